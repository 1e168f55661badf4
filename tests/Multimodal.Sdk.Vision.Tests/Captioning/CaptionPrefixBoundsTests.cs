namespace Multimodal.Sdk.Vision.Tests.Captioning;

/// <summary>Issue 19, class 7: a prefix longer than the decoder's positions is refused before the model runs.</summary>
public sealed class CaptionPrefixBoundsTests
{
    [Fact]
    public async Task APrefixPastTheDecodersPositionsIsTooLargeNotAnOnnxRuntimeIndexError()
    {
        using var captioner = new ImageCaptioner(TestData.Model("tiny-captioner"));
        var image = ImageData.FromFile(TestData.Shapes[0].FullPath);
        string prefix = string.Join(' ', Enumerable.Repeat("a red circle on", 12));

        var ex = await Assert.ThrowsAsync<InputTooLargeException>(() => captioner.CaptionAsync([image], new CaptionOptions { Prefix = prefix }));

        Assert.Contains("positions", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AShortPrefixStillCaptions()
    {
        using var captioner = new ImageCaptioner(TestData.Model("tiny-captioner"));
        var image = ImageData.FromFile(TestData.Shapes[0].FullPath);

        var result = await captioner.CaptionAsync([image], new CaptionOptions { Prefix = "a", MaxNewTokens = 4096 });

        Assert.Single(result);
    }
}

/// <summary>Issue 19, class 10: captions hold valid text only.</summary>
public sealed class CaptionTextTests
{
    [Theory]
    [InlineData("a cat\uFFFD on a mat", "a cat on a mat")]
    [InlineData("a\u0007 dog\u001b", "a dog")]
    [InlineData("  two \t\n birds ", "two birds")]
    public void PartialUtf8AndControlCharactersAreDroppedFromCaptions(string decoded, string expected) =>
        Assert.Equal(expected, ImageCaptioner.CleanText(decoded));
}

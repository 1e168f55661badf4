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

using Microsoft.Extensions.DependencyInjection;

namespace Multimodal.Sdk.Vision.Tests.Captioning;

public sealed class ImageCaptionerTests : IDisposable
{
    private readonly ImageCaptioner _captioner = new(TestData.Model("tiny-captioner"));

    public void Dispose() => _captioner.Dispose();

    private static List<ImageData> SingleObjectImages() =>
        TestData.Shapes.Where(s => s.Objects.Count == 1).Select(s => ImageData.FromFile(s.FullPath)).ToList();

    [Fact]
    public async Task GreedyCaptionsMatchTheCanonicalCaptionOfMostSingleObjectImages()
    {
        var expected = TestData.Shapes.Where(s => s.Objects.Count == 1).Select(s => s.Caption).ToList();
        var results = await _captioner.CaptionAsync(SingleObjectImages());
        int exact = expected.Zip(results).Count(p => p.First == p.Second.Text);
        Assert.True(exact >= expected.Count * 0.75, $"{exact} of {expected.Count} exact: {string.Join(" | ", results.Select(r => r.Text))}");
    }

    [Fact]
    public async Task BatchedCaptionsEqualOneAtATime()
    {
        var images = TestData.Shapes.Take(6).Select(s => ImageData.FromFile(s.FullPath)).ToList();
        var batch = await _captioner.CaptionAsync(images);
        for (int i = 0; i < images.Count; i++)
        {
            Assert.Equal((await _captioner.CaptionAsync(images[i])).Text, batch[i].Text);
        }
    }

    [Fact]
    public async Task BeamSearchReturnsTheRequestedNumberOfCaptionsBestFirst()
    {
        var result = await _captioner.CaptionAsync(SingleObjectImages()[0], new CaptionOptions { NumBeams = 4, NumReturnSequences = 3 });
        Assert.Equal(3, result.Captions.Count);
        Assert.True(result.Captions[0].Score >= result.Captions[1].Score && result.Captions[1].Score >= result.Captions[2].Score);
        Assert.Equal(3, result.Captions.Select(c => c.Text).Distinct().Count());
    }

    [Fact]
    public async Task SeededSamplingIsReproducibleAndGivesSeveralCaptions()
    {
        var options = new CaptionOptions { DoSample = true, Temperature = 1.5f, NumReturnSequences = 4, Seed = 42 };
        var a = await _captioner.CaptionAsync(SingleObjectImages()[0], options);
        var b = await _captioner.CaptionAsync(SingleObjectImages()[0], options);
        Assert.Equal(4, a.Captions.Count);
        Assert.Equal(a.Captions.Select(c => c.Text), b.Captions.Select(c => c.Text));

        Assert.All(a.Captions, c => Assert.True(float.IsFinite(c.Score) && c.Score <= 0, $"'{c.Text}' scored {c.Score}, not a sum of log-probabilities"));

        // The model is near-certain of one-object captions (every draw above is the same caption); on a two-object
        // image each sequence is its own draw, so the four differ, and another seed draws others.
        var twoObjects = ImageData.FromFile(TestData.Shapes.First(s => s.Objects.Count == 2).FullPath);
        var draws = await _captioner.CaptionAsync(twoObjects, options);
        var otherSeed = await _captioner.CaptionAsync(twoObjects, new CaptionOptions { DoSample = true, Temperature = 1.5f, NumReturnSequences = 4, Seed = 43 });
        Assert.True(draws.Captions.Select(c => c.Text).Distinct().Count() > 1, string.Join(" | ", draws.Captions.Select(c => c.Text)));
        Assert.NotEqual(draws.Captions.Select(c => c.Text), otherSeed.Captions.Select(c => c.Text));
    }

    [Fact]
    public async Task PrefixStartsTheCaption()
    {
        var result = await _captioner.CaptionAsync(SingleObjectImages()[0], new CaptionOptions { Prefix = "a small" });
        Assert.StartsWith("a small", result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MaxNewTokensBoundsTheCaption()
    {
        var full = await _captioner.CaptionAsync(SingleObjectImages()[0]);
        var cut = await _captioner.CaptionAsync(SingleObjectImages()[0], new CaptionOptions { MaxNewTokens = 1 });
        Assert.True(cut.Text.Length < full.Text.Length);
    }

    [Fact]
    public async Task SplitDecoderExportGivesTheSameCaptionsAsTheMergedOne()
    {
        string dir = Directory.CreateTempSubdirectory("mm-captioner-split").FullName;
        try
        {
            string source = TestData.Model("tiny-captioner");
            foreach (var f in Directory.EnumerateFiles(source))
            {
                File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
            }

            Directory.CreateDirectory(Path.Combine(dir, "onnx"));
            foreach (var g in new[] { "encoder_model.onnx", "decoder_model.onnx", "decoder_with_past_model.onnx" })
            {
                File.Copy(Path.Combine(source, "onnx", g), Path.Combine(dir, "onnx", g));
            }

            using var split = new ImageCaptioner(dir);
            var images = SingleObjectImages().Take(4).ToList();
            var a = await _captioner.CaptionAsync(images);
            var b = await split.CaptionAsync(images);
            Assert.Equal(a.Select(r => r.Text), b.Select(r => r.Text));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task CancellationStopsCaptioning()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _captioner.CaptionAsync(SingleObjectImages(), cancellationToken: cts.Token));
    }

    [Fact]
    public void AClipFolderIsNotACaptioner()
    {
        var ex = Assert.Throws<ModelIncompatibleException>(() => new ImageCaptioner(TestData.Model("tiny-clip")));
        Assert.Contains("vision-encoder-decoder", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CaptionerResolvesFromDependencyInjection()
    {
        var services = new ServiceCollection();
        services.AddMultimodal().UseCpu().AddImageCaptioner(TestData.Model("tiny-captioner"));
        await using var sp = services.BuildServiceProvider();
        var result = await sp.GetRequiredService<IImageCaptioner>().CaptionAsync(SingleObjectImages()[0]);
        Assert.False(string.IsNullOrWhiteSpace(result.Text));
    }
}

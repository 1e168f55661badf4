using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace Multimodal.Sdk.Vision.Tests.Serving;

/// <summary>Micro-batching over the real tiny CLIP and captioner: concurrent calls run as shared batches and give the unbatched results.</summary>
public sealed class BatchingRealModelTests : IDisposable
{
    private readonly ClipEncoder _clip = new(TestData.Model("tiny-clip"));
    private readonly ImageCaptioner _captioner = new(TestData.Model("tiny-captioner"));
    private readonly List<ImageData> _images = TestData.Shapes.Take(12).Select(s => ImageData.FromBytes(File.ReadAllBytes(s.FullPath), s.FullPath)).ToList();

    public void Dispose()
    {
        _clip.Dispose();
        _captioner.Dispose();
    }

    [Fact]
    public async Task ConcurrentClipCallsShareBatchesAndEqualTheUnbatchedEmbeddings()
    {
        var unbatchedImages = new List<float[]>();
        var unbatchedTexts = new List<float[]>();
        foreach (var image in _images)
        {
            unbatchedImages.Add((await _clip.EmbedImageAsync(image)).Vector.ToArray());
        }

        var texts = TestData.ZeroShotLabels.Select(l => $"a photo of a {l}").ToList();
        foreach (var text in texts)
        {
            unbatchedTexts.Add((await _clip.EmbedTextAsync(text)).Vector.ToArray());
        }

        var recorder = new RecordingClip(_clip);
        using var batching = new BatchingClipEncoder(recorder, new BatchingOptions { MaxBatchSize = 8, MaxWait = TimeSpan.FromMilliseconds(50) });
        var images = await Task.WhenAll(_images.Select(i => Task.Run(() => batching.EmbedImageAsync(i))));
        var embeddedTexts = await Task.WhenAll(texts.Select(t => Task.Run(() => batching.EmbedTextAsync(t))));

        Assert.True(recorder.ImageBatches.Max() > 1, $"image batches: {string.Join(",", recorder.ImageBatches)}");
        Assert.True(recorder.TextBatches.Max() > 1, $"text batches: {string.Join(",", recorder.TextBatches)}");
        for (int i = 0; i < _images.Count; i++)
        {
            AssertClose(unbatchedImages[i], images[i].Vector.ToArray());
        }

        for (int i = 0; i < texts.Count; i++)
        {
            AssertClose(unbatchedTexts[i], embeddedTexts[i].Vector.ToArray());
        }

        // Zero-shot classification goes through the same batches.
        var expected = (await _clip.ClassifyAsync(_images[0], TestData.ZeroShotLabels)).Top.Label;
        Assert.Equal(expected, (await batching.ClassifyAsync(_images[0], TestData.ZeroShotLabels)).Top.Label);
    }

    [Fact]
    public async Task ConcurrentCaptionCallsShareBatchesAndEqualTheUnbatchedCaptions()
    {
        var options = new CaptionOptions { MaxNewTokens = 12 };
        var unbatched = new List<string>();
        foreach (var image in _images)
        {
            unbatched.Add((await _captioner.CaptionAsync(image, options)).Text);
        }

        var recorder = new RecordingCaptioner(_captioner);
        using var batching = new BatchingImageCaptioner(recorder, new BatchingOptions { MaxBatchSize = 8, MaxWait = TimeSpan.FromMilliseconds(50) });
        var batched = await Task.WhenAll(_images.Select(i => Task.Run(async () => (await batching.CaptionAsync(i, options)).Text)));

        Assert.True(recorder.Batches.Max() > 1, $"caption batches: {string.Join(",", recorder.Batches)}");
        Assert.Equal(unbatched, batched);
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-4, $"component {i}: {expected[i]} vs {actual[i]}");
        }
    }

    private sealed class RecordingClip(IClipEncoder inner) : DelegatingClipEncoder(inner)
    {
        public ConcurrentQueue<int> ImageBatches { get; } = new();

        public ConcurrentQueue<int> TextBatches { get; } = new();

        public override Task<IReadOnlyList<Embedding<float>>> EmbedImagesAsync(IReadOnlyList<ImageData> images, CancellationToken cancellationToken = default)
        {
            ImageBatches.Enqueue(images.Count);
            return base.EmbedImagesAsync(images, cancellationToken);
        }

        public override Task<IReadOnlyList<Embedding<float>>> EmbedTextsAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
        {
            TextBatches.Enqueue(texts.Count);
            return base.EmbedTextsAsync(texts, cancellationToken);
        }

        // The test disposes the real encoder itself.
        protected override void Dispose(bool disposing)
        {
        }
    }

    private sealed class RecordingCaptioner(IImageCaptioner inner) : DelegatingImageCaptioner(inner)
    {
        public ConcurrentQueue<int> Batches { get; } = new();

        public override Task<IReadOnlyList<CaptionResult>> CaptionAsync(IReadOnlyList<ImageData> images, CaptionOptions? options = null, CancellationToken cancellationToken = default)
        {
            Batches.Enqueue(images.Count);
            return base.CaptionAsync(images, options, cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}

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
        Assert.Equal(_images.Count, recorder.PreparedImages); // decoded and resized on the callers' threads, not in the batch
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
    public async Task ImagesPreparedBeforeBatchingEmbedExactlyAsTheOriginals()
    {
        var random = new Random(22);
        var images = new List<ImageData>(_images.Take(3));
        foreach (var (w, h) in new[] { (299, 233), (100, 300), (31, 17), (224, 224) })
        {
            var rgb = new byte[w * h * 3];
            random.NextBytes(rgb);
            images.Add(ImageData.FromPixels(rgb, w, h, $"{w}x{h}"));
        }

        var preparer = (IImageBatchPreparer)_clip.GetService(typeof(IImageBatchPreparer))!;
        foreach (var image in images)
        {
            var prepared = preparer.Prepare(image, CancellationToken.None);
            Assert.False(prepared.RgbPixels.IsEmpty);
            Assert.Equal(
                (await _clip.EmbedImageAsync(image)).Vector.ToArray(),
                (await _clip.EmbedImageAsync(prepared)).Vector.ToArray());
        }

        var corrupt = ImageData.FromBytes(new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3 }, "corrupt.png");
        Assert.Contains("corrupt.png", Assert.Throws<InputDecodeException>(() => preparer.Prepare(corrupt, CancellationToken.None)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentVqaCallsShareVisionEncoderBatchesAndEqualTheUnbatchedAnswers()
    {
        using var qa = new Multimodal.Sdk.VisualQa(TestData.Model("tiny-vlm"));
        IReadOnlyList<string> question = ["what shape is it?"];
        var images = _images.Take(8).ToList();
        var options = new VisualQaOptions { MaxNewTokens = 6 };
        var unbatched = new List<string>();
        foreach (var image in images)
        {
            unbatched.Add((await qa.AnswerAsync(image, question, options))[0].Answer);
        }

        // Two batch slots: while the first image runs alone, the others gather (MaxWait) into the second batch.
        ((IEncoderBatching)qa.GetService(typeof(IEncoderBatching))!).EnableEncoderBatching(
            new BatchingOptions { MaxBatchSize = 8, MaxConcurrentBatches = 2, MaxWait = TimeSpan.FromSeconds(2) }, null);
        int runsBefore = qa.VisionEncoderRuns;
        var batched = await Task.WhenAll(images.Select(i => Task.Run(async () => (await qa.AnswerAsync(i, question, options))[0].Answer)));

        Assert.Equal(unbatched, batched);
        Assert.True(qa.VisionEncoderRuns - runsBefore < images.Count, $"{qa.VisionEncoderRuns - runsBefore} encoder runs for {images.Count} images");

        // An image that cannot be decoded fails only its own call, before it reaches a batch.
        var broken = qa.AnswerAsync(ImageData.FromBytes(new byte[] { 1, 2, 3 }, "broken.png"), question, options);
        var fine = qa.AnswerAsync(images[0], question, options);
        await Assert.ThrowsAsync<InputDecodeException>(() => broken);
        Assert.Equal(unbatched[0], (await fine)[0].Answer);
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
        private int _prepared;

        public ConcurrentQueue<int> ImageBatches { get; } = new();

        public ConcurrentQueue<int> TextBatches { get; } = new();

        public int PreparedImages => _prepared;

        public override Task<IReadOnlyList<Embedding<float>>> EmbedImagesAsync(IReadOnlyList<ImageData> images, CancellationToken cancellationToken = default)
        {
            ImageBatches.Enqueue(images.Count);
            Interlocked.Add(ref _prepared, images.Count(i => !i.RgbPixels.IsEmpty));
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

namespace Multimodal.Sdk.Server.Tests;

/// <summary>The Fallback middleware's routing over fakes: on failure, over the primary's concurrency limit, and not for bad input or cancellation.</summary>
public class FallbackTests
{
    private static readonly ImageData Image = ImageData.FromPixels(new byte[3], 1, 1);

    [Fact]
    public async Task APrimaryFailureGoesToTheSecondary()
    {
        using var captioner = new FallbackImageCaptioner(new FakePipelines { Failure = new InvalidOperationException("ORT failed") }, new Named("remote"));
        Assert.Equal("remote", (await captioner.CaptionAsync(Image)).Text);
        Assert.Equal((1, 1), captioner.Calls);
    }

    [Fact]
    public async Task AHealthyPrimaryAnswersAlone()
    {
        using var captioner = ((IImageCaptioner)new Named("local")).WithFallback(new Named("remote"));
        Assert.Equal("local", (await captioner.CaptionAsync(Image)).Text);
        Assert.Equal((1, 0), captioner.Calls);
    }

    [Fact]
    public async Task CallsBeyondThePrimarysConcurrencyGoToTheSecondary()
    {
        var gate = new TaskCompletionSource();
        var local = new FakePipelines { Gate = gate.Task };
        using var encoder = ((IClipEncoder)local).WithFallback(new Named("remote"), new FallbackOptions { MaxPrimaryConcurrency = 1 });
        var first = encoder.EmbedTextsAsync(["held"]);
        var second = await encoder.EmbedTextsAsync(["abc"]);
        Assert.Equal(42f, second[0].Vector.Span[0]);
        Assert.False(first.IsCompleted);
        gate.SetResult();
        Assert.Equal(4f, (await first)[0].Vector.Span[1]);
        Assert.Equal((1, 1), encoder.Calls);
    }

    [Fact]
    public async Task BadInputAndCancellationDoNotFallBack()
    {
        using var bad = new FallbackImageCaptioner(new FakePipelines { Failure = new InputDecodeException("not an image") }, new Named("remote"));
        await Assert.ThrowsAsync<InputDecodeException>(() => bad.CaptionAsync(Image));
        Assert.Equal((1, 0), bad.Calls);

        using var cts = new CancellationTokenSource();
        var gate = new TaskCompletionSource();
        using var slow = new FallbackVisualQa(new FakePipelines { Gate = gate.Task }, new Named("remote"));
        var call = slow.AnswerAsync(Image, ["q"], cancellationToken: cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal((1, 0), slow.Calls);
    }

    [Fact]
    public async Task TheReverseOrderTriesTheRemoteFirst()
    {
        using var recognizer = new FallbackSpeechRecognizer(new FakePipelines { Failure = new HttpRequestException("connection refused") }, new FakePipelines());
        var result = await recognizer.TranscribeAsync(new AudioData(new float[16000], 16000), new SpeechRecognitionOptions());
        Assert.StartsWith("Transcribe 1.0s", result.Text, StringComparison.Ordinal);
        Assert.Equal((1, 1), recognizer.Calls);
    }

    /// <summary>A pipeline that answers its own name, to show which side answered.</summary>
    private sealed class Named(string name) : IImageCaptioner, IVisualQa, IClipEncoder
    {
        public Task<IReadOnlyList<CaptionResult>> CaptionAsync(IReadOnlyList<ImageData> images, CaptionOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<CaptionResult>>([.. images.Select(_ => new CaptionResult([new Caption(name, 0)]))]);

        public Task<IReadOnlyList<VisualQaResult>> AnswerAsync(ImageData image, IReadOnlyList<string> questions, VisualQaOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<VisualQaResult>>([.. questions.Select(q => new VisualQaResult(q, name, 0, 1))]);

        public Task<IReadOnlyList<Microsoft.Extensions.AI.Embedding<float>>> EmbedImagesAsync(IReadOnlyList<ImageData> images, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<Microsoft.Extensions.AI.Embedding<float>>>([.. images.Select(_ => new Microsoft.Extensions.AI.Embedding<float>(new float[] { 42 }))]);

        public Task<IReadOnlyList<Microsoft.Extensions.AI.Embedding<float>>> EmbedTextsAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<Microsoft.Extensions.AI.Embedding<float>>>([.. texts.Select(_ => new Microsoft.Extensions.AI.Embedding<float>(new float[] { 42 }))]);

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}

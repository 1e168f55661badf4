using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Multimodal.Sdk.Server.Tests;

/// <summary>
/// Hand-written pipelines for the protocol and error tests: instant answers, and hooks that block or throw so each
/// status (429 while busy, 503 while warming, 500 on a failure) can be provoked on purpose.
/// </summary>
internal sealed class FakePipelines : IChatClient, IImageCaptioner, IVisualQa, IClipEncoder, ISpeechRecognizer
{
    /// <summary>Gets or sets a task every model call awaits first (a gate a test opens).</summary>
    public Task Gate { get; set; } = Task.CompletedTask;

    /// <summary>Gets or sets an exception every model call throws after the gate.</summary>
    public Exception? Failure { get; set; }

    public int Calls;

    /// <summary>The number of model calls whose cancellation token fired while they ran (a client that left, a timeout).</summary>
    public int CancelledCalls;

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken);
        var list = messages.ToList();
        int images = list.SelectMany(m => m.Contents).OfType<DataContent>().Count();
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, $"{images} image(s), {list.Count} message(s), max {options?.MaxOutputTokens}, t {options?.Temperature}"))
        {
            FinishReason = ChatFinishReason.Stop,
            Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 3 },
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken);
        foreach (var word in new[] { "one", " two", " three" })
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, word);
        }

        yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(new UsageDetails { InputTokenCount = 10, OutputTokenCount = 3 })]) { FinishReason = ChatFinishReason.Length };
    }

    public async Task<IReadOnlyList<CaptionResult>> CaptionAsync(IReadOnlyList<ImageData> images, CaptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken);
        return [.. images.Select(i => new CaptionResult([new Caption($"caption of {i.EncodedBytes.Length + i.RgbPixels.Length} bytes", -0.5f)]))];
    }

    public async Task<IReadOnlyList<VisualQaResult>> AnswerAsync(ImageData image, IReadOnlyList<string> questions, VisualQaOptions? options = null, CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken);
        return [.. questions.Select(q => new VisualQaResult(q, "answer to " + q, -0.1f, 2))];
    }

    public async Task<IReadOnlyList<Embedding<float>>> EmbedImagesAsync(IReadOnlyList<ImageData> images, CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken);
        return [.. images.Select(_ => new Embedding<float>(new float[] { 1, 0, 0, 0 }))];
    }

    public async Task<IReadOnlyList<Embedding<float>>> EmbedTextsAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken);
        return [.. texts.Select(t => new Embedding<float>(new float[] { 0, t.Length, 0, 0.5f }))];
    }

    public async Task<SpeechRecognitionResult> TranscribeAsync(AudioData audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken);
        string text = $"{options?.Task} {audio.Duration.TotalSeconds:F1}s lang={options?.Language} prompt={options?.InitialPrompt} t={string.Join('/', options?.Temperatures ?? [])}";
        return new SpeechRecognitionResult(text, options?.Language ?? "en", 0.9f,
            [new SpeechSegment(TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1.25), text, -0.2, 0.01, [1, 2, 3])]);
    }

    public Task<SpeechRecognitionResult> TranscribeAsync(Stream audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public IAsyncEnumerable<SpeechSegment> TranscribeStreamingAsync(Stream audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public IAsyncEnumerable<SpeechSegment> TranscribeStreamingAsync(AudioData audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<LanguageDetectionResult> DetectLanguageAsync(AudioData audio, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(ClipEncoderMetadata) ? new ClipEncoderMetadata("fake", 4, 100f, 77) : serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    private async Task EnterAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Calls);
        try
        {
            await Gate.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref CancelledCalls);
            throw;
        }

        if (Failure is { } e)
        {
            throw e;
        }
    }
}

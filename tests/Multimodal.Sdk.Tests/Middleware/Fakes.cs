using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Multimodal.Sdk.Tests.Middleware;

/// <summary>Hand-written pipelines for middleware tests: fixed answers, an optional failure, a warm-up counter.</summary>
internal static class Fakes
{
    public static readonly ImageData Image = ImageData.FromPixels(new byte[2 * 2 * 3], 2, 2, "secret-image");

    public static readonly AudioData Audio = new(new float[16000], 16000);
}

internal sealed class FakeClipEncoder(Exception? failure = null) : IClipEncoder, IWarmable
{
    public int WarmUps { get; private set; }

    public Task<IReadOnlyList<Embedding<float>>> EmbedImagesAsync(IReadOnlyList<ImageData> images, CancellationToken cancellationToken = default) =>
        failure is null ? Task.FromResult<IReadOnlyList<Embedding<float>>>([.. images.Select(_ => new Embedding<float>(new float[] { 1, 0, 0 }))]) : Task.FromException<IReadOnlyList<Embedding<float>>>(failure);

    public Task<IReadOnlyList<Embedding<float>>> EmbedTextsAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
        failure is null ? Task.FromResult<IReadOnlyList<Embedding<float>>>([.. texts.Select(_ => new Embedding<float>(new float[] { 0, 1, 0 }))]) : Task.FromException<IReadOnlyList<Embedding<float>>>(failure);

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public Task WarmUpAsync(CancellationToken cancellationToken)
    {
        WarmUps++;
        return Task.CompletedTask;
    }

    public void Dispose()
    {
    }
}

internal sealed class FakeImageCaptioner(Exception? failure = null) : IImageCaptioner
{
    public Task<IReadOnlyList<CaptionResult>> CaptionAsync(IReadOnlyList<ImageData> images, CaptionOptions? options = null, CancellationToken cancellationToken = default) =>
        failure is null ? Task.FromResult<IReadOnlyList<CaptionResult>>([.. images.Select(_ => new CaptionResult([new Caption("a secret caption", -1f)]))]) : Task.FromException<IReadOnlyList<CaptionResult>>(failure);

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}

internal sealed class FakeVisualQa(Exception? failure = null) : IVisualQa
{
    public Task<IReadOnlyList<VisualQaResult>> AnswerAsync(ImageData image, IReadOnlyList<string> questions, VisualQaOptions? options = null, CancellationToken cancellationToken = default) =>
        failure is null ? Task.FromResult<IReadOnlyList<VisualQaResult>>([.. questions.Select(q => new VisualQaResult(q, "a secret answer", -0.5f, 4))]) : Task.FromException<IReadOnlyList<VisualQaResult>>(failure);

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}

/// <summary>Two segments of 3 and 2 tokens; the stream input records that it was handed the caller's stream.</summary>
internal sealed class FakeSpeechRecognizer(Exception? failure = null) : ISpeechRecognizer
{
    public static readonly SpeechSegment[] Segments =
    [
        new(TimeSpan.Zero, TimeSpan.FromSeconds(1), "secret words", -0.1, 0.01, [1, 2, 3]),
        new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), "more secret words", -0.1, 0.01, [4, 5]),
    ];

    public Stream? StreamSeen { get; private set; }

    public Task<SpeechRecognitionResult> TranscribeAsync(AudioData audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default) =>
        failure is null ? Task.FromResult(new SpeechRecognitionResult("secret words more secret words", "en", 1f, Segments)) : Task.FromException<SpeechRecognitionResult>(failure);

    public Task<SpeechRecognitionResult> TranscribeAsync(Stream audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default)
    {
        StreamSeen = audio;
        return TranscribeAsync(Fakes.Audio, options, cancellationToken);
    }

    public IAsyncEnumerable<SpeechSegment> TranscribeStreamingAsync(AudioData audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default) => Stream(cancellationToken);

    public IAsyncEnumerable<SpeechSegment> TranscribeStreamingAsync(Stream audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default)
    {
        StreamSeen = audio;
        return Stream(cancellationToken);
    }

    public Task<LanguageDetectionResult> DetectLanguageAsync(AudioData audio, CancellationToken cancellationToken = default) =>
        Task.FromResult(new LanguageDetectionResult("en", 1f, new Dictionary<string, float> { ["en"] = 1f }, 0f));

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    private async IAsyncEnumerable<SpeechSegment> Stream([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var segment in Segments)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return segment;
        }

        if (failure is not null)
        {
            throw failure;
        }
    }
}

internal sealed class FakeVoiceActivityDetector(Exception? failure = null) : IVoiceActivityDetector
{
    public static readonly VoiceActivityRegion[] Regions = [new(TimeSpan.FromSeconds(0.1), TimeSpan.FromSeconds(0.5), 0.9f)];

    public Task<IReadOnlyList<VoiceActivityRegion>> DetectAsync(AudioData audio, VoiceActivityOptions? options = null, CancellationToken cancellationToken = default) =>
        failure is null ? Task.FromResult<IReadOnlyList<VoiceActivityRegion>>(Regions) : Task.FromException<IReadOnlyList<VoiceActivityRegion>>(failure);

    public async IAsyncEnumerable<VoiceActivityRegion> DetectStreamingAsync(AudioData audio, VoiceActivityOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var region in Regions)
        {
            await Task.Yield();
            yield return region;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}

/// <summary>Collects log lines in memory.</summary>
internal sealed class ListLogger : ILogger, ILoggerFactory, ILoggerProvider
{
    public List<(LogLevel Level, string Category, string Message, Exception? Exception)> Lines { get; } = [];

    public string Category { get; private set; } = string.Empty;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Lines)
        {
            Lines.Add((logLevel, Category, formatter(state, exception), exception));
        }
    }

    public ILogger CreateLogger(string categoryName)
    {
        Category = categoryName;
        return this;
    }

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }
}

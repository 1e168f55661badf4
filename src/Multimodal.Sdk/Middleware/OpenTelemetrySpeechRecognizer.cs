using System.Diagnostics;

namespace Multimodal.Sdk;

/// <summary>
/// Traces and measures the calls of any <see cref="ISpeechRecognizer"/> with System.Diagnostics, named after the
/// OpenTelemetry GenAI semantic conventions: a span <c>speech_to_text {model}</c> per transcription (streaming calls
/// included, ended when the stream is) or <c>detect_language {model}</c>, with <c>gen_ai.usage.output_tokens</c>; the
/// <c>gen_ai.client.operation.duration</c> histogram, and the <c>gen_ai.client.token.usage</c> histogram of the tokens
/// decoded. Streams are passed through unread.
/// </summary>
/// <remarks>Safe for concurrent use when the inner recognizer is. Owns its <see cref="ActivitySource"/> and meter.</remarks>
public sealed class OpenTelemetrySpeechRecognizer : DelegatingSpeechRecognizer
{
    private const string Transcribe = "speech_to_text";
    private readonly PipelineTelemetry _telemetry;

    /// <summary>Wraps a recognizer.</summary>
    /// <param name="innerRecognizer">The recognizer calls go to.</param>
    /// <param name="sourceName">The name of the activity source and meter; <see langword="null"/> for <c>Multimodal.Sdk</c>.</param>
    /// <param name="modelId">The model name recorded as <c>gen_ai.request.model</c>, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerRecognizer"/> is <see langword="null"/>.</exception>
    public OpenTelemetrySpeechRecognizer(ISpeechRecognizer innerRecognizer, string? sourceName = null, string? modelId = null)
        : base(innerRecognizer)
    {
        _telemetry = new PipelineTelemetry(nameof(ISpeechRecognizer), sourceName, modelId);
    }

    /// <inheritdoc/>
    public override Task<SpeechRecognitionResult> TranscribeAsync(AudioData audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default) =>
        _telemetry.RunAsync(Transcribe, () => base.TranscribeAsync(audio, options, cancellationToken), Tokens, Enrich);

    /// <inheritdoc/>
    public override Task<SpeechRecognitionResult> TranscribeAsync(Stream audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default) =>
        _telemetry.RunAsync(Transcribe, () => base.TranscribeAsync(audio, options, cancellationToken), Tokens, Enrich);

    /// <inheritdoc/>
    public override IAsyncEnumerable<SpeechSegment> TranscribeStreamingAsync(AudioData audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default) =>
        _telemetry.StreamAsync(Transcribe, () => base.TranscribeStreamingAsync(audio, options, cancellationToken), s => s.Tokens.Count, cancellationToken);

    /// <inheritdoc/>
    public override IAsyncEnumerable<SpeechSegment> TranscribeStreamingAsync(Stream audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default) =>
        _telemetry.StreamAsync(Transcribe, () => base.TranscribeStreamingAsync(audio, options, cancellationToken), s => s.Tokens.Count, cancellationToken);

    /// <inheritdoc/>
    public override Task<LanguageDetectionResult> DetectLanguageAsync(AudioData audio, CancellationToken cancellationToken = default) =>
        _telemetry.RunAsync("detect_language", () => base.DetectLanguageAsync(audio, cancellationToken), _ => null, (a, r) => a.SetTag("gen_ai.response.language", r.Language));

    /// <inheritdoc/>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType == typeof(ActivitySource) ? _telemetry.Source : base.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _telemetry.Dispose();
        }

        base.Dispose(disposing);
    }

    private static long? Tokens(SpeechRecognitionResult result) => result.Segments.Sum(s => (long)s.Tokens.Count);

    private static void Enrich(Activity activity, SpeechRecognitionResult result)
    {
        activity.SetTag("gen_ai.response.language", result.Language);
        activity.SetTag("multimodal.output.count", result.Segments.Count);
    }
}

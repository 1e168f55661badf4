using Microsoft.Extensions.Logging;

namespace Multimodal.Sdk;

/// <summary>
/// Logs the calls of any <see cref="ISpeechRecognizer"/>: invocation and completion with the audio's length, the
/// segments and tokens produced and elapsed time at <see cref="LogLevel.Debug"/>, each streamed segment's times at
/// <see cref="LogLevel.Trace"/>, failures at <see cref="LogLevel.Error"/>. Audio and text are never logged. Streams are
/// passed through unread, so a wrapped recognizer still reads them window by window.
/// </summary>
/// <remarks>Safe for concurrent use when the inner recognizer is.</remarks>
public sealed class LoggingSpeechRecognizer : DelegatingSpeechRecognizer
{
    private readonly PipelineLogger _log;

    /// <summary>Wraps a recognizer.</summary>
    /// <param name="innerRecognizer">The recognizer calls go to.</param>
    /// <param name="logger">Where to log.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public LoggingSpeechRecognizer(ISpeechRecognizer innerRecognizer, ILogger logger)
        : base(innerRecognizer)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _log = new PipelineLogger(logger, nameof(ISpeechRecognizer));
    }

    /// <inheritdoc/>
    public override Task<SpeechRecognitionResult> TranscribeAsync(AudioData audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default) =>
        _log.RunAsync(nameof(TranscribeAsync), () => Describe.Audio(audio), () => base.TranscribeAsync(audio, options, cancellationToken), Result);

    /// <inheritdoc/>
    public override Task<SpeechRecognitionResult> TranscribeAsync(Stream audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default) =>
        _log.RunAsync(nameof(TranscribeAsync), () => Describe.Stream(audio), () => base.TranscribeAsync(audio, options, cancellationToken), Result);

    /// <inheritdoc/>
    public override IAsyncEnumerable<SpeechSegment> TranscribeStreamingAsync(AudioData audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default) =>
        _log.StreamAsync(nameof(TranscribeStreamingAsync), () => Describe.Audio(audio), () => base.TranscribeStreamingAsync(audio, options, cancellationToken), Segment, cancellationToken);

    /// <inheritdoc/>
    public override IAsyncEnumerable<SpeechSegment> TranscribeStreamingAsync(Stream audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default) =>
        _log.StreamAsync(nameof(TranscribeStreamingAsync), () => Describe.Stream(audio), () => base.TranscribeStreamingAsync(audio, options, cancellationToken), Segment, cancellationToken);

    /// <inheritdoc/>
    public override Task<LanguageDetectionResult> DetectLanguageAsync(AudioData audio, CancellationToken cancellationToken = default) =>
        _log.RunAsync(nameof(DetectLanguageAsync), () => Describe.Audio(audio), () => base.DetectLanguageAsync(audio, cancellationToken), r => $"{r.Probabilities.Count} language(s) scored");

    private static string Result(SpeechRecognitionResult result) =>
        $"{result.Segments.Count} segment(s), {result.Segments.Sum(s => s.Tokens.Count)} token(s), {result.Text.Length} char(s)";

    private static string Segment(SpeechSegment segment) => $"{Describe.Span(segment.Start, segment.End)}, {segment.Tokens.Count} token(s)";
}

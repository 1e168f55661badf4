using Microsoft.Extensions.Logging;

namespace Multimodal.Sdk;

/// <summary>
/// Logs the calls of any <see cref="IVoiceActivityDetector"/>: invocation and completion with the audio's length, the
/// regions found and elapsed time at <see cref="LogLevel.Debug"/>, each streamed region's times at
/// <see cref="LogLevel.Trace"/>, failures at <see cref="LogLevel.Error"/>. Audio is never logged.
/// </summary>
/// <remarks>Safe for concurrent use when the inner detector is.</remarks>
public sealed class LoggingVoiceActivityDetector : DelegatingVoiceActivityDetector
{
    private readonly PipelineLogger _log;

    /// <summary>Wraps a detector.</summary>
    /// <param name="innerDetector">The detector calls go to.</param>
    /// <param name="logger">Where to log.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public LoggingVoiceActivityDetector(IVoiceActivityDetector innerDetector, ILogger logger)
        : base(innerDetector)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _log = new PipelineLogger(logger, nameof(IVoiceActivityDetector));
    }

    /// <inheritdoc/>
    public override Task<IReadOnlyList<VoiceActivityRegion>> DetectAsync(AudioData audio, VoiceActivityOptions? options = null, CancellationToken cancellationToken = default) =>
        _log.RunAsync(nameof(DetectAsync), () => Describe.Audio(audio), () => base.DetectAsync(audio, options, cancellationToken), r => $"{r.Count} region(s)");

    /// <inheritdoc/>
    public override IAsyncEnumerable<VoiceActivityRegion> DetectStreamingAsync(AudioData audio, VoiceActivityOptions? options = null, CancellationToken cancellationToken = default) =>
        _log.StreamAsync(nameof(DetectStreamingAsync), () => Describe.Audio(audio), () => base.DetectStreamingAsync(audio, options, cancellationToken), r => Describe.Span(r.Start, r.End), cancellationToken);
}

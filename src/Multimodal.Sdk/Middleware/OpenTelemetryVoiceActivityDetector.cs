using System.Diagnostics;

namespace Multimodal.Sdk;

/// <summary>
/// Traces and measures the calls of any <see cref="IVoiceActivityDetector"/> with System.Diagnostics, named after the
/// OpenTelemetry GenAI semantic conventions: a span <c>voice_activity_detection {model}</c> per call (streaming calls
/// included, ended when the stream is) and the <c>gen_ai.client.operation.duration</c> histogram.
/// </summary>
/// <remarks>Safe for concurrent use when the inner detector is. Owns its <see cref="ActivitySource"/> and meter.</remarks>
public sealed class OpenTelemetryVoiceActivityDetector : DelegatingVoiceActivityDetector
{
    private const string Operation = "voice_activity_detection";
    private readonly PipelineTelemetry _telemetry;

    /// <summary>Wraps a detector.</summary>
    /// <param name="innerDetector">The detector calls go to.</param>
    /// <param name="sourceName">The name of the activity source and meter; <see langword="null"/> for <c>Multimodal.Sdk</c>.</param>
    /// <param name="modelId">The model name recorded as <c>gen_ai.request.model</c>, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerDetector"/> is <see langword="null"/>.</exception>
    public OpenTelemetryVoiceActivityDetector(IVoiceActivityDetector innerDetector, string? sourceName = null, string? modelId = null)
        : base(innerDetector)
    {
        _telemetry = new PipelineTelemetry(nameof(IVoiceActivityDetector), sourceName, modelId);
    }

    /// <inheritdoc/>
    public override Task<IReadOnlyList<VoiceActivityRegion>> DetectAsync(AudioData audio, VoiceActivityOptions? options = null, CancellationToken cancellationToken = default) =>
        _telemetry.RunAsync(Operation, () => base.DetectAsync(audio, options, cancellationToken), _ => null, (a, r) => a.SetTag("multimodal.output.count", r.Count));

    /// <inheritdoc/>
    public override IAsyncEnumerable<VoiceActivityRegion> DetectStreamingAsync(AudioData audio, VoiceActivityOptions? options = null, CancellationToken cancellationToken = default) =>
        _telemetry.StreamAsync(Operation, () => base.DetectStreamingAsync(audio, options, cancellationToken), null, cancellationToken);

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
}

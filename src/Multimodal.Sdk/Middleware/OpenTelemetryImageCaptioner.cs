using System.Diagnostics;

namespace Multimodal.Sdk;

/// <summary>
/// Traces and measures the calls of any <see cref="IImageCaptioner"/> with System.Diagnostics, named after the
/// OpenTelemetry GenAI semantic conventions: a span <c>generate_content {model}</c> per call
/// (<c>gen_ai.operation.name</c> = <c>generate_content</c>, <c>multimodal.pipeline</c> = <c>IImageCaptioner</c>) and the
/// <c>gen_ai.client.operation.duration</c> histogram.
/// </summary>
/// <remarks>Safe for concurrent use when the inner captioner is. Owns its <see cref="ActivitySource"/> and meter.</remarks>
public sealed class OpenTelemetryImageCaptioner : DelegatingImageCaptioner
{
    private readonly PipelineTelemetry _telemetry;

    /// <summary>Wraps a captioner.</summary>
    /// <param name="innerCaptioner">The captioner calls go to.</param>
    /// <param name="sourceName">The name of the activity source and meter; <see langword="null"/> for <c>Multimodal.Sdk</c>.</param>
    /// <param name="modelId">The model name recorded as <c>gen_ai.request.model</c>, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerCaptioner"/> is <see langword="null"/>.</exception>
    public OpenTelemetryImageCaptioner(IImageCaptioner innerCaptioner, string? sourceName = null, string? modelId = null)
        : base(innerCaptioner)
    {
        _telemetry = new PipelineTelemetry(nameof(IImageCaptioner), sourceName, modelId);
    }

    /// <inheritdoc/>
    public override Task<IReadOnlyList<CaptionResult>> CaptionAsync(IReadOnlyList<ImageData> images, CaptionOptions? options = null, CancellationToken cancellationToken = default) =>
        _telemetry.RunAsync("generate_content", () => base.CaptionAsync(images, options, cancellationToken), _ => null, (a, r) => a.SetTag("multimodal.input.count", r.Count));

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

using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace Multimodal.Sdk;

/// <summary>
/// Traces and measures the calls of any <see cref="IClipEncoder"/> with System.Diagnostics, named after the
/// OpenTelemetry GenAI semantic conventions: a span <c>embeddings {model}</c> per call
/// (<c>gen_ai.operation.name</c> = <c>embeddings</c>, <c>gen_ai.request.model</c>) and the
/// <c>gen_ai.client.operation.duration</c> histogram.
/// </summary>
/// <remarks>Safe for concurrent use when the inner encoder is. Owns its <see cref="ActivitySource"/> and meter.</remarks>
public sealed class OpenTelemetryClipEncoder : DelegatingClipEncoder
{
    private readonly PipelineTelemetry _telemetry;

    /// <summary>Wraps an encoder.</summary>
    /// <param name="innerEncoder">The encoder calls go to.</param>
    /// <param name="sourceName">The name of the activity source and meter; <see langword="null"/> for <c>Multimodal.Sdk</c>.</param>
    /// <param name="modelId">The model name recorded as <c>gen_ai.request.model</c>; <see langword="null"/> for the encoder's model folder name.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerEncoder"/> is <see langword="null"/>.</exception>
    public OpenTelemetryClipEncoder(IClipEncoder innerEncoder, string? sourceName = null, string? modelId = null)
        : base(innerEncoder)
    {
        modelId ??= innerEncoder.GetService(typeof(ClipEncoderMetadata)) is ClipEncoderMetadata metadata
            ? Path.GetFileName(metadata.ModelPath.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar))
            : null;
        _telemetry = new PipelineTelemetry(nameof(IClipEncoder), sourceName, modelId);
    }

    /// <inheritdoc/>
    public override Task<IReadOnlyList<Embedding<float>>> EmbedImagesAsync(IReadOnlyList<ImageData> images, CancellationToken cancellationToken = default) =>
        _telemetry.RunAsync("embeddings", () => base.EmbedImagesAsync(images, cancellationToken), _ => null, (a, r) => a.SetTag("multimodal.input.count", r.Count));

    /// <inheritdoc/>
    public override Task<IReadOnlyList<Embedding<float>>> EmbedTextsAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
        _telemetry.RunAsync("embeddings", () => base.EmbedTextsAsync(texts, cancellationToken), _ => null, (a, r) => a.SetTag("multimodal.input.count", r.Count));

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

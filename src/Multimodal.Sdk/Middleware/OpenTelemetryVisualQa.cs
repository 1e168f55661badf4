using System.Diagnostics;

namespace Multimodal.Sdk;

/// <summary>
/// Traces and measures the calls of any <see cref="IVisualQa"/> with System.Diagnostics, named after the OpenTelemetry
/// GenAI semantic conventions: a span <c>generate_content {model}</c> per call (<c>gen_ai.operation.name</c> =
/// <c>generate_content</c>, <c>multimodal.pipeline</c> = <c>IVisualQa</c>, <c>gen_ai.usage.output_tokens</c>), the
/// <c>gen_ai.client.operation.duration</c> histogram and the <c>gen_ai.client.token.usage</c> histogram of the
/// generated tokens.
/// </summary>
/// <remarks>Safe for concurrent use when the inner pipeline is. Owns its <see cref="ActivitySource"/> and meter.</remarks>
public sealed class OpenTelemetryVisualQa : DelegatingVisualQa
{
    private readonly PipelineTelemetry _telemetry;

    /// <summary>Wraps a pipeline.</summary>
    /// <param name="innerVisualQa">The pipeline calls go to.</param>
    /// <param name="sourceName">The name of the activity source and meter; <see langword="null"/> for <c>Multimodal.Sdk</c>.</param>
    /// <param name="modelId">The model name recorded as <c>gen_ai.request.model</c>, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerVisualQa"/> is <see langword="null"/>.</exception>
    public OpenTelemetryVisualQa(IVisualQa innerVisualQa, string? sourceName = null, string? modelId = null)
        : base(innerVisualQa)
    {
        _telemetry = new PipelineTelemetry(nameof(IVisualQa), sourceName, modelId);
    }

    /// <inheritdoc/>
    public override Task<IReadOnlyList<VisualQaResult>> AnswerAsync(ImageData image, IReadOnlyList<string> questions, VisualQaOptions? options = null, CancellationToken cancellationToken = default) =>
        _telemetry.RunAsync("generate_content", () => base.AnswerAsync(image, questions, options, cancellationToken), r => r.Sum(a => (long)a.TokenCount), (a, r) => a.SetTag("multimodal.input.count", r.Count));

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

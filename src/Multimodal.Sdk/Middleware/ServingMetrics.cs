using System.Diagnostics.Metrics;

namespace Multimodal.Sdk;

/// <summary>
/// The serving instruments of the <c>Multimodal.Sdk</c> meter that batching, caching and model loading record:
/// <c>multimodal.batch.size</c> (items per model batch), <c>multimodal.batch.queue.depth</c> (items waiting),
/// <c>multimodal.cache.requests</c> (tag <c>result</c> = <c>hit</c> / <c>miss</c>, so hit rate = hits / all) and
/// <c>multimodal.model.load.duration</c> (seconds per graph). Each carries <c>multimodal.pipeline</c> and, where known,
/// <c>gen_ai.request.model</c>.
/// </summary>
internal static class ServingMetrics
{
    public const string MeterName = PipelineTelemetry.DefaultSourceName;

    private static readonly Meter s_meter = new(MeterName);

    public static Histogram<int> BatchSize { get; } = s_meter.CreateHistogram<int>(
        "multimodal.batch.size", "{item}", "Items in one model batch run by the batching middleware.",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128] });

    public static UpDownCounter<long> QueueDepth { get; } = s_meter.CreateUpDownCounter<long>(
        "multimodal.batch.queue.depth", "{item}", "Items waiting for a model batch.");

    public static Counter<long> CacheRequests { get; } = s_meter.CreateCounter<long>(
        "multimodal.cache.requests", "{request}", "Cache look-ups of the caching middleware by result (hit or miss).");

    public static Histogram<double> ModelLoadDuration { get; } = s_meter.CreateHistogram<double>(
        "multimodal.model.load.duration", "s", "Time to create one ONNX Runtime session (one graph of a model folder).");
}

using System.Diagnostics.Metrics;

namespace Multimodal.Sdk;

/// <summary>
/// The serving instruments of the <c>Multimodal.Sdk</c> meter that batching, caching and model loading record:
/// <c>multimodal.batch.size</c> (items per model batch), <c>multimodal.batch.queue.depth</c> (items waiting),
/// <c>multimodal.batch.queue.wait</c> (seconds an item waited for its batch), <c>multimodal.batch.duration</c> (seconds per batch run),
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

    public static Histogram<double> QueueWait { get; } = s_meter.CreateHistogram<double>(
        "multimodal.batch.queue.wait", "s", "Time an item waited in the batching queue before its batch started.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5] });

    public static Histogram<double> BatchDuration { get; } = s_meter.CreateHistogram<double>(
        "multimodal.batch.duration", "s", "Time one model batch of the batching middleware took to run.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5] });

    public static UpDownCounter<long> QueueDepth { get; } = s_meter.CreateUpDownCounter<long>(
        "multimodal.batch.queue.depth", "{item}", "Items waiting for a model batch.");

    public static Counter<long> CacheRequests { get; } = s_meter.CreateCounter<long>(
        "multimodal.cache.requests", "{request}", "Cache look-ups of the caching middleware by result (hit or miss).");

    public static Histogram<double> ModelLoadDuration { get; } = s_meter.CreateHistogram<double>(
        "multimodal.model.load.duration", "s", "Time to create one ONNX Runtime session (one graph of a model folder).");
}

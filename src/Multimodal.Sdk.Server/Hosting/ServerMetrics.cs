using System.Diagnostics.Metrics;

namespace Multimodal.Sdk;

/// <summary>
/// The server's instruments, meter <c>Multimodal.Sdk.Server</c>: <c>multimodal.server.requests</c> (count, tags
/// <c>http.route</c>, <c>gen_ai.request.model</c>, <c>http.response.status_code</c>), <c>multimodal.server.request.duration</c>
/// (seconds, same tags), <c>multimodal.server.queue.depth</c> (requests waiting for a slot, tag <c>multimodal.pipeline</c>)
/// and <c>multimodal.server.tokens</c> (generated tokens, by route and model). The SDK's own meter, <c>Multimodal.Sdk</c>,
/// adds batch sizes, batch queue depth, cache look-ups and model load times.
/// </summary>
internal static class ServerMetrics
{
    public const string MeterName = "Multimodal.Sdk.Server";

    private static readonly Meter s_meter = new(MeterName);

    public static Counter<long> Requests { get; } = s_meter.CreateCounter<long>("multimodal.server.requests", "{request}", "Model requests answered, by route, model and status.");

    public static Histogram<double> Duration { get; } = s_meter.CreateHistogram<double>("multimodal.server.request.duration", "s", "Time to answer a model request, by route, model and status.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });

    public static Counter<long> Tokens { get; } = s_meter.CreateCounter<long>("multimodal.server.tokens", "{token}", "Tokens generated for clients, by route and model.");
}

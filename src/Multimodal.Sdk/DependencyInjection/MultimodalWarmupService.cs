using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Multimodal.Sdk;

/// <summary>
/// Resolves every registered pipeline at host start, which loads its sessions, and runs one dummy inference,
/// so the first real request does not pay for loading and ONNX Runtime's first-run allocations.
/// </summary>
internal sealed partial class MultimodalWarmupService(IServiceProvider services, IEnumerable<WarmupTarget> targets, ILogger<MultimodalWarmupService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var target in targets)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            object pipeline = target.Resolve(services);
            if (PipelineRegistration.FindWarmable(pipeline) is { } warmable)
            {
                await warmable.WarmUpAsync(cancellationToken).ConfigureAwait(false);
            }

            LogWarmedUp(logger, target.ServiceType.Name, target.Name ?? "(default)", System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Warmed up {Service} '{Name}' in {Milliseconds:F0} ms")]
    private static partial void LogWarmedUp(ILogger logger, string service, string name, double milliseconds);
}

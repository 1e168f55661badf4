using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Multimodal.Sdk;

/// <summary>
/// Loads every served pipeline and runs one tiny inference through its public interface after the server has started
/// listening, then opens the readiness gate. Unlike <c>AddHostedWarmup</c>, host start does not wait, so the port
/// answers (503, <c>/readyz</c>) while models load; and it works for any implementation, local, remote or a test's fake.
/// </summary>
internal sealed partial class ServerWarmupService(IServiceProvider services, ServerReadiness readiness, IOptions<MultimodalServerOptions> options, ILogger<ServerWarmupService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.WarmUp)
        {
            readiness.MarkReady();
            return;
        }

        // Yield first: BackgroundService runs ExecuteAsync synchronously up to the first await, and host start
        // (hence Kestrel's listening) must not wait for model loading.
        await Task.Yield();
        var black = ImageData.FromPixels(new byte[32 * 32 * 3], 32, 32, "warm-up");
        var steps = new (string Name, Func<Task>? Run)[]
        {
            ("chat", services.GetService<IChatClient>() is { } chat ? () => chat.GetResponseAsync([new ChatMessage(ChatRole.User, [new DataContent(Png.Black32, "image/png"), new TextContent("hi")])], new ChatOptions { MaxOutputTokens = 1 }, stoppingToken) : null),
            ("visual QA", services.GetService<IVisualQa>() is { } qa ? () => qa.AnswerAsync(black, "hi", new VisualQaOptions { MaxNewTokens = 1 }, stoppingToken) : null),
            ("captioner", services.GetService<IImageCaptioner>() is { } captioner ? () => captioner.CaptionAsync(black, new CaptionOptions { MaxNewTokens = 1 }, stoppingToken) : null),
            ("CLIP", services.GetService<IClipEncoder>() is { } clip ? () => Task.WhenAll(clip.EmbedTextAsync("hi", stoppingToken), clip.EmbedImageAsync(black, stoppingToken)) : null),
            ("speech", services.GetService<ISpeechRecognizer>() is { } speech ? () => speech.TranscribeAsync(new AudioData(new float[16000], 16000), new SpeechRecognitionOptions { MaxNewTokens = 1, Temperatures = [0f] }, stoppingToken) : null),
        };

        foreach (var (name, run) in steps)
        {
            if (run is null)
            {
                continue;
            }

            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                await run().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A model that cannot load keeps the server unready with the reason, rather than crashing the host.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogWarmupFailed(logger, name, e);
                readiness.MarkFailed($"The {name} model failed to warm up: {e.Message}");
                return;
            }

            LogWarmedUp(logger, name, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        readiness.MarkReady();
        LogReady(logger);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Warmed up the {Pipeline} pipeline in {Milliseconds:F0} ms")]
    private static partial void LogWarmedUp(ILogger logger, string pipeline, double milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "The {Pipeline} pipeline failed to warm up; the server stays unready")]
    private static partial void LogWarmupFailed(ILogger logger, string pipeline, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ready: every served pipeline is warm")]
    private static partial void LogReady(ILogger logger);
}

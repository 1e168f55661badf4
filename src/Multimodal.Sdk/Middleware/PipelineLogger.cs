using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace Multimodal.Sdk;

/// <summary>
/// What every <c>Logging*</c> middleware logs around a call: that it was invoked and with how much input (Debug),
/// how long it took and how much came out (Debug), each streamed item's position (Trace), cancellation (Debug) and
/// failure (Error, with the exception). Never the content of images, audio or text.
/// </summary>
internal sealed partial class PipelineLogger(ILogger logger, string pipeline)
{
    public ILogger Logger { get; } = logger;

    public async Task<T> RunAsync<T>(string operation, Func<string> describeInput, Func<Task<T>> call, Func<T, string> describeOutput)
    {
        long started = Start(operation, describeInput);
        try
        {
            var result = await call().ConfigureAwait(false);
            if (Logger.IsEnabled(LogLevel.Debug))
            {
                LogCompleted(Logger, pipeline, operation, Stopwatch.GetElapsedTime(started).TotalMilliseconds, describeOutput(result));
            }

            return result;
        }
        catch (OperationCanceledException)
        {
            LogCanceled(Logger, pipeline, operation, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
        catch (Exception ex)
        {
            LogFailed(Logger, pipeline, operation, Stopwatch.GetElapsedTime(started).TotalMilliseconds, ex);
            throw;
        }
    }

    public async IAsyncEnumerable<T> StreamAsync<T>(string operation, Func<string> describeInput, Func<IAsyncEnumerable<T>> call, Func<T, string> describeItem, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long started = Start(operation, describeInput);
        IAsyncEnumerator<T> items;
        try
        {
            items = call().GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception ex)
        {
            LogFailed(Logger, pipeline, operation, Stopwatch.GetElapsedTime(started).TotalMilliseconds, ex);
            throw;
        }

        int count = 0;
        try
        {
            while (true)
            {
                try
                {
                    if (!await items.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException)
                {
                    LogCanceled(Logger, pipeline, operation, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    throw;
                }
                catch (Exception ex)
                {
                    LogFailed(Logger, pipeline, operation, Stopwatch.GetElapsedTime(started).TotalMilliseconds, ex);
                    throw;
                }

                if (Logger.IsEnabled(LogLevel.Trace))
                {
                    LogItem(Logger, pipeline, operation, count, Stopwatch.GetElapsedTime(started).TotalMilliseconds, describeItem(items.Current));
                }

                count++;
                yield return items.Current;
            }

            LogCompleted(Logger, pipeline, operation, Stopwatch.GetElapsedTime(started).TotalMilliseconds, $"{count} item(s)");
        }
        finally
        {
            await items.DisposeAsync().ConfigureAwait(false);
        }
    }

    private long Start(string operation, Func<string> describeInput)
    {
        if (Logger.IsEnabled(LogLevel.Debug))
        {
            LogInvoked(Logger, pipeline, operation, describeInput());
        }

        return Stopwatch.GetTimestamp();
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "{Pipeline}.{Operation} invoked: {Input}.")]
    private static partial void LogInvoked(ILogger logger, string pipeline, string operation, string input);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "{Pipeline}.{Operation} completed in {ElapsedMilliseconds:F1} ms: {Output}.")]
    private static partial void LogCompleted(ILogger logger, string pipeline, string operation, double elapsedMilliseconds, string output);

    [LoggerMessage(EventId = 3, Level = LogLevel.Trace, Message = "{Pipeline}.{Operation} item {Index} after {ElapsedMilliseconds:F1} ms: {Item}.")]
    private static partial void LogItem(ILogger logger, string pipeline, string operation, int index, double elapsedMilliseconds, string item);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "{Pipeline}.{Operation} canceled after {ElapsedMilliseconds:F1} ms.")]
    private static partial void LogCanceled(ILogger logger, string pipeline, string operation, double elapsedMilliseconds);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "{Pipeline}.{Operation} failed after {ElapsedMilliseconds:F1} ms.")]
    private static partial void LogFailed(ILogger logger, string pipeline, string operation, double elapsedMilliseconds, Exception exception);
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Multimodal.Sdk;

/// <summary>
/// The spans and metrics every <c>OpenTelemetry*</c> middleware records, named after the OpenTelemetry GenAI semantic
/// conventions: a span <c>"{gen_ai.operation.name} {gen_ai.request.model}"</c> per call, the
/// <c>gen_ai.client.operation.duration</c> histogram (seconds) and, where the pipeline knows its token counts, the
/// <c>gen_ai.client.token.usage</c> histogram (<c>gen_ai.token.type</c> <c>output</c>). Failures set
/// <c>error.type</c> and the span's error status. System.Diagnostics only: an OpenTelemetry SDK listens by name.
/// </summary>
internal sealed class PipelineTelemetry : IDisposable
{
    public const string DefaultSourceName = "Multimodal.Sdk";
    public const string ProviderName = "multimodal.sdk";

    private readonly ActivitySource _source;
    private readonly Meter _meter;
    private readonly Histogram<double> _duration;
    private readonly Histogram<long> _tokens;
    private readonly string _pipeline;
    private readonly string? _modelId;

    public PipelineTelemetry(string pipeline, string? sourceName, string? modelId)
    {
        string name = string.IsNullOrWhiteSpace(sourceName) ? DefaultSourceName : sourceName;
        _pipeline = pipeline;
        _modelId = modelId;
        _source = new ActivitySource(name);
        _meter = new Meter(name);
        _duration = _meter.CreateHistogram<double>("gen_ai.client.operation.duration", "s", "GenAI operation duration.");
        _tokens = _meter.CreateHistogram<long>("gen_ai.client.token.usage", "{token}", "Measures number of input and output tokens used.");
    }

    public ActivitySource Source => _source;

    public async Task<T> RunAsync<T>(string operation, Func<Task<T>> call, Func<T, long?> outputTokens, Action<Activity, T>? enrich = null)
    {
        using var activity = Start(operation);
        long started = Stopwatch.GetTimestamp();
        try
        {
            var result = await call().ConfigureAwait(false);
            if (activity is not null)
            {
                enrich?.Invoke(activity, result);
            }

            End(activity, operation, started, null, outputTokens(result));
            return result;
        }
        catch (Exception ex)
        {
            End(activity, operation, started, ex, null);
            throw;
        }
    }

    public async IAsyncEnumerable<T> StreamAsync<T>(string operation, Func<IAsyncEnumerable<T>> call, Func<T, long>? outputTokens, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var activity = Start(operation);
        long started = Stopwatch.GetTimestamp();
        IAsyncEnumerator<T> items;
        try
        {
            items = call().GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception ex)
        {
            End(activity, operation, started, ex, null);
            throw;
        }

        long tokens = 0;
        Exception? error = null;
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
                catch (Exception ex)
                {
                    error = ex;
                    throw;
                }

                tokens += outputTokens?.Invoke(items.Current) ?? 0;
                yield return items.Current;
            }
        }
        finally
        {
            End(activity, operation, started, error, error is null && outputTokens is not null ? tokens : null);
            await items.DisposeAsync().ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _source.Dispose();
        _meter.Dispose();
    }

    private Activity? Start(string operation)
    {
        if (!_source.HasListeners())
        {
            return null;
        }

        var activity = _source.StartActivity(_modelId is null ? operation : $"{operation} {_modelId}", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("gen_ai.operation.name", operation);
            activity.SetTag("gen_ai.provider.name", ProviderName);
            activity.SetTag("multimodal.pipeline", _pipeline);
            if (_modelId is not null)
            {
                activity.SetTag("gen_ai.request.model", _modelId);
            }
        }

        return activity;
    }

    private void End(Activity? activity, string operation, long started, Exception? error, long? outputTokens)
    {
        var tags = new TagList
        {
            { "gen_ai.operation.name", operation },
            { "gen_ai.provider.name", ProviderName },
            { "multimodal.pipeline", _pipeline },
        };
        if (_modelId is not null)
        {
            tags.Add("gen_ai.request.model", _modelId);
        }

        if (error is not null)
        {
            tags.Add("error.type", error.GetType().FullName);
        }

        if (_duration.Enabled)
        {
            _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        }

        if (outputTokens is { } tokens && _tokens.Enabled)
        {
            var tokenTags = tags;
            tokenTags.Add("gen_ai.token.type", "output");
            _tokens.Record(tokens, tokenTags);
        }

        if (activity is null)
        {
            return;
        }

        if (outputTokens is { } usage)
        {
            activity.SetTag("gen_ai.usage.output_tokens", usage);
        }

        if (error is not null)
        {
            activity.SetTag("error.type", error.GetType().FullName);
            activity.SetStatus(ActivityStatusCode.Error, error.Message);
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Multimodal.Sdk;

/// <summary>
/// What every model endpoint goes through, in order: API key (401), readiness (503), body size (413), the per-key rate
/// limiter (429), the pipeline's concurrency limiter with its bounded queue (503 with <c>Retry-After</c> when full), then
/// the handler under the request timeout (504), whose exceptions become OpenAI-shaped errors with the status a client
/// can act on. Each answer is counted in the server's metrics by route, model and status.
/// </summary>
/// <remarks>Safe for concurrent use. Logs never include API keys, image or audio content, or prompts.</remarks>
internal sealed partial class ServerGate : IDisposable
{
    private readonly IOptionsMonitor<MultimodalServerOptions> _options;
    private readonly ServerReadiness _readiness;
    private readonly ILogger<ServerGate> _logger;
    private readonly ConcurrentDictionary<string, ConcurrencyLimiter> _limiters = new(StringComparer.Ordinal);
    private readonly PartitionedRateLimiter<HttpContext>? _rateLimiter;
    private readonly Meter _meter = new(ServerMetrics.MeterName);

    public ServerGate(IOptionsMonitor<MultimodalServerOptions> options, ServerReadiness readiness, ILogger<ServerGate> logger)
    {
        _options = options;
        _readiness = readiness;
        _logger = logger;
        var o = options.CurrentValue;
        if (o.RateLimitPerMinute > 0)
        {
            int perMinute = o.RateLimitPerMinute;
            int burst = o.RateLimitBurst > 0 ? o.RateLimitBurst : perMinute;
            _rateLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition.GetTokenBucketLimiter(
                PartitionKey(context),
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = burst,
                    TokensPerPeriod = 1,
                    ReplenishmentPeriod = TimeSpan.FromTicks(Math.Max(1, TimeSpan.TicksPerMinute / perMinute)),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
        }

        _meter.CreateObservableUpDownCounter(
            "multimodal.server.queue.depth",
            QueueDepths,
            "{request}",
            "Model requests waiting for a slot, by pipeline.");
    }

    /// <summary>Runs a handler that needs no model (model list): only the API key is checked.</summary>
    public Task RunAsync(HttpContext context, Func<HttpContext, Task> handler, bool modelWork)
    {
        return modelWork ? RunAsync(context, handler, "model", "model") : RunPlainAsync(context, handler);
    }

    /// <summary>Runs a model request for <paramref name="pipeline"/> through every check, with metrics tagged <paramref name="route"/>.</summary>
    public async Task RunAsync(HttpContext context, Func<HttpContext, Task> handler, string pipeline, string route)
    {
        long started = Stopwatch.GetTimestamp();
        var options = _options.CurrentValue;
        try
        {
            await RunModelAsync(context, handler, pipeline, options).ConfigureAwait(false);
        }
        finally
        {
            var tags = new TagList
            {
                { "http.route", route },
                { "gen_ai.request.model", ModelOf(pipeline, options) },
                { "http.response.status_code", context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted ? 499 : context.Response.StatusCode },
            };
            ServerMetrics.Requests.Add(1, tags);
            ServerMetrics.Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        }
    }

    public void Dispose()
    {
        // The meter goes first so no listener observes a limiter after it is disposed; QueueDepths also guards the
        // window where a listener is already inside the callback (a MeterListener sees every gate's meter by name).
        _meter.Dispose();
        foreach (var limiter in _limiters.Values)
        {
            limiter.Dispose();
        }

        _rateLimiter?.Dispose();
    }

    internal IEnumerable<Measurement<long>> QueueDepths()
    {
        var depths = new List<Measurement<long>>();
        foreach (var (pipeline, limiter) in _limiters)
        {
            long queued;
            try
            {
                queued = limiter.GetStatistics()?.CurrentQueuedCount ?? 0;
            }
            catch (ObjectDisposedException)
            {
                continue; // this gate is being disposed while a listener records observable instruments
            }

            depths.Add(new Measurement<long>(queued, new KeyValuePair<string, object?>("multimodal.pipeline", pipeline)));
        }

        return depths;
    }

    internal static string ModelOf(string pipeline, MultimodalServerOptions options) => pipeline switch
    {
        "chat" or "visual-qa" => options.ChatModel,
        "captioner" => options.CaptionModel,
        "clip" => options.EmbeddingModel,
        "speech" => options.SpeechModel,
        _ => pipeline,
    };

    private async Task RunPlainAsync(HttpContext context, Func<HttpContext, Task> handler)
    {
        var options = _options.CurrentValue;
        if (options.ApiKeys.Count > 0 && !Authorized(context.Request, options.ApiKeys))
        {
            await Unauthorized(context).ConfigureAwait(false);
            return;
        }

        try
        {
            await RunHandlerAsync(context, handler, options).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private async Task RunModelAsync(HttpContext context, Func<HttpContext, Task> handler, string pipeline, MultimodalServerOptions options)
    {
        if (options.ApiKeys.Count > 0 && !Authorized(context.Request, options.ApiKeys))
        {
            await Unauthorized(context).ConfigureAwait(false);
            return;
        }

        if (_readiness.NotReadyReason is { } reason)
        {
            context.Response.Headers.RetryAfter = "5";
            await ApiError.Write(context, StatusCodes.Status503ServiceUnavailable, reason, ApiError.ServerError, "model_not_ready", null).ConfigureAwait(false);
            return;
        }

        if (context.Request.ContentLength > options.MaxRequestBodyBytes)
        {
            await TooLarge(context, options.MaxRequestBodyBytes).ConfigureAwait(false);
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = options.MaxRequestBodyBytes;
        }

        if (_rateLimiter is not null)
        {
            using var rate = _rateLimiter.AttemptAcquire(context);
            if (!rate.IsAcquired)
            {
                int seconds = rate.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)) : 1;
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await ApiError.Write(context, StatusCodes.Status429TooManyRequests, "This API key (or client address) sent more requests than its rate limit allows; retry later.", "requests", "rate_limit_exceeded", null).ConfigureAwait(false);
                return;
            }
        }

        // The timeout covers the wait for a slot and the work: handlers and pipelines see it through RequestAborted.
        var aborted = context.RequestAborted;
        using var timeout = options.RequestTimeout > TimeSpan.Zero ? new CancellationTokenSource(options.RequestTimeout) : null;
        using var linked = timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(aborted, timeout.Token);
        if (linked is not null)
        {
            context.RequestAborted = linked.Token;
        }

        try
        {
            var limiter = _limiters.GetOrAdd(pipeline, _ => new ConcurrencyLimiter(new ConcurrencyLimiterOptions
            {
                PermitLimit = Math.Max(1, options.MaxConcurrentRequests),
                QueueLimit = Math.Max(0, options.MaxQueuedRequests),
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            }));
            using var lease = await limiter.AcquireAsync(1, context.RequestAborted).ConfigureAwait(false);
            if (!lease.IsAcquired)
            {
                context.Response.Headers.RetryAfter = "1";
                await ApiError.Write(context, StatusCodes.Status503ServiceUnavailable, $"The server is overloaded: too many requests are waiting for the {pipeline} model; retry shortly.", ApiError.ServerError, "server_overloaded", null).ConfigureAwait(false);
                return;
            }

            await RunHandlerAsync(context, handler, options).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout?.IsCancellationRequested == true && !aborted.IsCancellationRequested)
        {
            context.RequestAborted = aborted; // the answer is written with the connection's own token, not the expired one
            await TimedOut(context, options.RequestTimeout).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away: the cancelled work has stopped and there is nobody to answer.
        }
        finally
        {
            context.RequestAborted = aborted;
        }
    }

    private async Task RunHandlerAsync(HttpContext context, Func<HttpContext, Task> handler, MultimodalServerOptions options)
    {
        try
        {
            await handler(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away (the cancelled work has stopped and there is nobody to answer), or the request timed
            // out, which the caller answers.
            throw;
        }
        catch (Exception e) when (Map(e, options) is { } error)
        {
            if (error.Status >= 500 && e is not PipelineBusyException)
            {
                LogFailed(_logger, context.Request.Path, e);
            }

            if (context.Response.HasStarted)
            {
                // A stream already under way (SSE): the status line is sent, so the error travels as a last event.
                await SseWriter.WriteErrorAsync(context, error).ConfigureAwait(false);
                return;
            }

            context.Response.Clear();
            if (e is PipelineBusyException busy)
            {
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(busy.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            await error.WriteAsync(context).ConfigureAwait(false);
        }
    }

    private static async Task TimedOut(HttpContext context, TimeSpan limit)
    {
        if (context.Response.HasStarted)
        {
            await SseWriter.WriteErrorAsync(context, TimeoutError(limit)).ConfigureAwait(false);
            return;
        }

        context.Response.Clear();
        await TimeoutError(limit).WriteAsync(context).ConfigureAwait(false);
    }

    private static ApiError TimeoutError(TimeSpan limit) =>
        new(StatusCodes.Status504GatewayTimeout, $"The request took longer than the server's limit of {limit.TotalSeconds:0.###} s and was stopped.", ApiError.ServerError, "request_timeout");

    private static Task Unauthorized(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return ApiError.Write(context, StatusCodes.Status401Unauthorized, "Missing or invalid API key: send 'Authorization: Bearer <key>'.", ApiError.InvalidRequest, "invalid_api_key", null);
    }

    /// <summary>The rate-limit partition: a hash of the bearer key (never the key itself), else the client address.</summary>
    private static string PartitionKey(HttpContext context)
    {
        string header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return "key:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(header[7..].Trim())), 0, 12);
        }

        return "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
    }

    internal static ApiError? Map(Exception e, MultimodalServerOptions options) => e switch
    {
        ApiError api => api,
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => TooLargeError(options.MaxRequestBodyBytes),
        BadHttpRequestException bad => new ApiError(bad.StatusCode, bad.Message),
        InvalidDataException data when data.Message.Contains("limit", StringComparison.OrdinalIgnoreCase) => TooLargeError(options.MaxRequestBodyBytes),
        InvalidDataException data => ApiError.BadRequest($"The request body is malformed: {data.Message}"),
        InputDecodeException decode => ApiError.BadRequest(decode.Message, code: "invalid_input"),
        InputTooLargeException large => new ApiError(StatusCodes.Status413PayloadTooLarge, large.Message, ApiError.InvalidRequest, "input_too_large"),
        PipelineBusyException busy => new ApiError(StatusCodes.Status503ServiceUnavailable, busy.Message, ApiError.ServerError, "server_overloaded"),
        ModelNotFoundException or ModelIncompatibleException => new ApiError(StatusCodes.Status500InternalServerError, "The model failed to load; see the server log.", ApiError.ServerError),

        // The remaining SDK errors and argument checks are about the request: a chat template refusing a role order,
        // an option out of range, a message with content the model cannot read.
        MultimodalException or ArgumentException => ApiError.BadRequest(e.Message),
        OperationCanceledException => null,
        _ => new ApiError(StatusCodes.Status500InternalServerError, "The server failed to process the request; see the server log.", ApiError.ServerError),
    };

    private static ApiError TooLargeError(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, $"The request body exceeds the server's limit of {limit} bytes.", ApiError.InvalidRequest, "request_too_large");

    private static Task TooLarge(HttpContext context, long limit) => TooLargeError(limit).WriteAsync(context);

    private static bool Authorized(HttpRequest request, IList<string> keys)
    {
        string header = request.Headers.Authorization.ToString();
        const string Prefix = "Bearer ";
        if (!header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Hashes of equal length, compared in constant time against every key: timing tells nothing about which key,
        // how much of it or how long it is.
        byte[] given = SHA256.HashData(Encoding.UTF8.GetBytes(header[Prefix.Length..].Trim()));
        bool match = false;
        foreach (var key in keys)
        {
            match |= CryptographicOperations.FixedTimeEquals(given, SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        }

        return match;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Request to {Path} failed")]
    private static partial void LogFailed(ILogger logger, PathString path, Exception exception);
}

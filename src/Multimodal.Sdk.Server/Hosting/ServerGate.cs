using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Multimodal.Sdk;

/// <summary>
/// What every model endpoint goes through, in order: API key (401), readiness (503), body size (413), the concurrency
/// limiter with its bounded queue (429), then the handler, whose exceptions become OpenAI-shaped errors with the status
/// a client can act on. One place, so the production limits of the next issue (per-key partitions, metrics) slot in here.
/// </summary>
/// <remarks>Safe for concurrent use. Logs never include API keys, image or audio content, or prompts.</remarks>
internal sealed partial class ServerGate : IDisposable
{
    private readonly IOptionsMonitor<MultimodalServerOptions> _options;
    private readonly ServerReadiness _readiness;
    private readonly ILogger<ServerGate> _logger;
    private readonly ConcurrencyLimiter _limiter;

    public ServerGate(IOptionsMonitor<MultimodalServerOptions> options, ServerReadiness readiness, ILogger<ServerGate> logger)
    {
        _options = options;
        _readiness = readiness;
        _logger = logger;
        var o = options.CurrentValue;
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = Math.Max(1, o.MaxConcurrentRequests),
            QueueLimit = Math.Max(0, o.MaxQueuedRequests),
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public async Task RunAsync(HttpContext context, Func<HttpContext, Task> handler, bool modelWork = true)
    {
        var options = _options.CurrentValue;
        if (options.ApiKeys.Count > 0 && !Authorized(context.Request, options.ApiKeys))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await ApiError.Write(context, StatusCodes.Status401Unauthorized, "Missing or invalid API key: send 'Authorization: Bearer <key>'.", ApiError.InvalidRequest, "invalid_api_key", null).ConfigureAwait(false);
            return;
        }

        if (!modelWork)
        {
            await RunHandlerAsync(context, handler, options).ConfigureAwait(false);
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

        using var lease = await _limiter.AcquireAsync(1, context.RequestAborted).ConfigureAwait(false);
        if (!lease.IsAcquired)
        {
            context.Response.Headers.RetryAfter = "1";
            await ApiError.Write(context, StatusCodes.Status429TooManyRequests, "Too many requests are waiting for the models; retry shortly.", "requests", "rate_limit_exceeded", null).ConfigureAwait(false);
            return;
        }

        await RunHandlerAsync(context, handler, options).ConfigureAwait(false);
    }

    public void Dispose() => _limiter.Dispose();

    private async Task RunHandlerAsync(HttpContext context, Func<HttpContext, Task> handler, MultimodalServerOptions options)
    {
        try
        {
            await handler(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; the cancelled work has stopped and there is nobody to answer.
        }
        catch (Exception e) when (Map(e, options) is { } error)
        {
            if (error.Status >= 500)
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
            await error.WriteAsync(context).ConfigureAwait(false);
        }
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

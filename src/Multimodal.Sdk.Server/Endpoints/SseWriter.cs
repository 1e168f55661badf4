using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Multimodal.Sdk;

/// <summary>Server-sent events as OpenAI streams them: <c>data: {json}</c> blank-line separated, ending with <c>data: [DONE]</c>.</summary>
internal static class SseWriter
{
    public static void Start(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
    }

    public static async Task WriteAsync(HttpContext context, JsonNode data)
    {
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("data: " + data.ToJsonString(ServerJson.Options) + "\n\n"), context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    public static async Task DoneAsync(HttpContext context)
    {
        await context.Response.Body.WriteAsync("data: [DONE]\n\n"u8.ToArray(), context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    public static async Task WriteErrorAsync(HttpContext context, ApiError error)
    {
        var body = new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = error.Message, ["type"] = error.Type, ["param"] = error.Param, ["code"] = error.Code },
        };
        await WriteAsync(context, body).ConfigureAwait(false);
    }
}

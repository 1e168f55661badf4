using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Multimodal.Sdk;

/// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>: the served model ids, in OpenAI's list shape.</summary>
internal static class ModelsEndpoint
{
    private static readonly long Created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public static Task ListAsync(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptionsMonitor<MultimodalServerOptions>>().CurrentValue;
        var data = new JsonArray([.. ServedModels.List(context.RequestServices, options).Select(id => (JsonNode)Model(id))]);
        return Results.Text(new JsonObject { ["object"] = "list", ["data"] = data }.ToJsonString(ServerJson.Options), "application/json").ExecuteAsync(context);
    }

    public static Task GetAsync(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptionsMonitor<MultimodalServerOptions>>().CurrentValue;
        string id = (string)context.Request.RouteValues["id"]!;
        string resolved = options.ModelAliases.TryGetValue(id, out var aliased) ? aliased : id;
        return ServedModels.List(context.RequestServices, options).Contains(resolved, StringComparer.Ordinal)
            ? Results.Text(Model(id).ToJsonString(ServerJson.Options), "application/json").ExecuteAsync(context)
            : throw ApiError.UnknownModel(id);
    }

    private static JsonObject Model(string id) => new() { ["id"] = id, ["object"] = "model", ["created"] = Created, ["owned_by"] = "multimodal-sdk" };
}

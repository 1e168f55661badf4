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
        var data = new JsonArray([.. ServedModels.List(context.RequestServices, options).Select(m => (JsonNode)Model(m.Id, m.Capability))]);
        return Results.Text(new JsonObject { ["object"] = "list", ["data"] = data }.ToJsonString(ServerJson.Options), "application/json").ExecuteAsync(context);
    }

    public static Task GetAsync(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptionsMonitor<MultimodalServerOptions>>().CurrentValue;
        string id = (string)context.Request.RouteValues["id"]!;
        string resolved = options.ModelAliases.TryGetValue(id, out var aliased) ? aliased : id;
        var served = ServedModels.List(context.RequestServices, options).FirstOrDefault(m => m.Id == resolved);
        return served.Id is not null
            ? Results.Text(Model(id, served.Capability).ToJsonString(ServerJson.Options), "application/json").ExecuteAsync(context)
            : throw ApiError.UnknownModel(id);
    }

    // "capability" is our addition (chat, caption, embeddings, speech); OpenAI clients ignore fields they do not know.
    private static JsonObject Model(string id, string capability) =>
        new() { ["id"] = id, ["object"] = "model", ["created"] = Created, ["owned_by"] = "multimodal-sdk", ["capability"] = capability };
}

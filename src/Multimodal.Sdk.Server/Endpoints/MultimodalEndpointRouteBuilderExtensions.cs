using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Multimodal.Sdk;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Maps the multimodal server's endpoints: all of them with <see cref="MapMultimodal"/>, or group by group. Each model
/// endpoint checks the API key (401), readiness (503), body size (413), the per-key rate limit (429) and its pipeline's request queue (503 when full) before it runs, under the request timeout (504), and
/// answers errors in OpenAI's shape. Needs <c>services.AddMultimodalServer()</c> and the pipelines it serves registered.
/// </summary>
public static class MultimodalEndpointRouteBuilderExtensions
{
    /// <summary>Maps every endpoint: the OpenAI-compatible API, the seed's vision endpoints, search, health and the playground page at <c>/</c>.</summary>
    /// <param name="endpoints">The application or a route group.</param>
    /// <returns>A builder for conventions on all the endpoints (authorization, CORS, rate limiting).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>AddMultimodalServer()</c> was not called.</exception>
    public static IEndpointConventionBuilder MapMultimodal(this IEndpointRouteBuilder endpoints)
    {
        var group = Group(endpoints);
        group.MapMultimodalOpenAI();
        group.MapMultimodalVision();
        group.MapMultimodalSearch();
        group.MapMultimodalHealth();
        group.MapMultimodalPlayground();
        return group;
    }

    /// <summary>Maps the OpenAI-compatible API: chat completions, audio transcriptions and translations, embeddings and models.</summary>
    /// <param name="endpoints">The application or a route group.</param>
    /// <returns>A builder for conventions on these endpoints.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>AddMultimodalServer()</c> was not called.</exception>
    public static IEndpointConventionBuilder MapMultimodalOpenAI(this IEndpointRouteBuilder endpoints)
    {
        var group = Group(endpoints);
        group.MapMultimodalChat();
        group.MapMultimodalAudio();
        group.MapMultimodalEmbeddings();
        group.MapMultimodalModels();
        return group;
    }

    /// <summary>Maps <c>POST /v1/chat/completions</c> (vision chat, streamed or not) over the registered <c>IChatClient</c>.</summary>
    /// <param name="endpoints">The application or a route group.</param>
    /// <returns>A builder for conventions on the endpoint.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>AddMultimodalServer()</c> was not called.</exception>
    public static IEndpointConventionBuilder MapMultimodalChat(this IEndpointRouteBuilder endpoints) =>
        Model(endpoints, "/v1/chat/completions", "chat", ChatCompletionsEndpoint.HandleAsync);

    /// <summary>Maps <c>POST /v1/audio/transcriptions</c> and <c>/v1/audio/translations</c> over the registered <see cref="ISpeechRecognizer"/>.</summary>
    /// <param name="endpoints">The application or a route group.</param>
    /// <returns>A builder for conventions on these endpoints.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>AddMultimodalServer()</c> was not called.</exception>
    public static IEndpointConventionBuilder MapMultimodalAudio(this IEndpointRouteBuilder endpoints)
    {
        var group = Group(endpoints);
        Model(group, "/v1/audio/transcriptions", "speech", AudioEndpoints.TranscribeAsync);
        Model(group, "/v1/audio/translations", "speech", AudioEndpoints.TranslateAsync);
        return group;
    }

    /// <summary>Maps <c>POST /v1/embeddings</c> (texts, and images as data URIs) over the registered <see cref="IClipEncoder"/>.</summary>
    /// <param name="endpoints">The application or a route group.</param>
    /// <returns>A builder for conventions on the endpoint.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>AddMultimodalServer()</c> was not called.</exception>
    public static IEndpointConventionBuilder MapMultimodalEmbeddings(this IEndpointRouteBuilder endpoints) =>
        Model(endpoints, "/v1/embeddings", "clip", EmbeddingsEndpoint.HandleAsync);

    /// <summary>Maps <c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>.</summary>
    /// <param name="endpoints">The application or a route group.</param>
    /// <returns>A builder for conventions on these endpoints.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>AddMultimodalServer()</c> was not called.</exception>
    public static IEndpointConventionBuilder MapMultimodalModels(this IEndpointRouteBuilder endpoints)
    {
        var group = Group(endpoints);
        var gate = Gate(endpoints);
        group.MapGet("/v1/models", context => gate.RunAsync(context, ModelsEndpoint.ListAsync, modelWork: false));
        group.MapGet("/v1/models/{id}", context => gate.RunAsync(context, ModelsEndpoint.GetAsync, modelWork: false));
        return group;
    }

    /// <summary>Maps the seed's endpoints: <c>POST /caption</c>, <c>/vqa</c> and <c>/classify</c>, multipart forms with an <c>image</c> file.</summary>
    /// <param name="endpoints">The application or a route group.</param>
    /// <returns>A builder for conventions on these endpoints.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>AddMultimodalServer()</c> was not called.</exception>
    public static IEndpointConventionBuilder MapMultimodalVision(this IEndpointRouteBuilder endpoints)
    {
        var group = Group(endpoints);
        Model(group, "/caption", "captioner", VisionEndpoints.CaptionAsync);
        Model(group, "/vqa", "visual-qa", VisionEndpoints.VisualQaAsync);
        Model(group, "/classify", "clip", VisionEndpoints.ClassifyAsync);
        return group;
    }

    /// <summary>Maps <c>POST /search</c>: a text or image query against the registered <see cref="IServerSearchIndex"/> (404 when none is).</summary>
    /// <param name="endpoints">The application or a route group.</param>
    /// <returns>A builder for conventions on the endpoint.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>AddMultimodalServer()</c> was not called.</exception>
    public static IEndpointConventionBuilder MapMultimodalSearch(this IEndpointRouteBuilder endpoints) =>
        Model(endpoints, "/search", "clip", VisionEndpoints.SearchAsync);

    /// <summary>Maps <c>GET /healthz</c> (the process answers) and <c>GET /readyz</c> (200 once every pipeline is warm, else 503 with the reason).</summary>
    /// <param name="endpoints">The application or a route group.</param>
    /// <returns>A builder for conventions on these endpoints.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>AddMultimodalServer()</c> was not called.</exception>
    public static IEndpointConventionBuilder MapMultimodalHealth(this IEndpointRouteBuilder endpoints)
    {
        var group = Group(endpoints);
        var readiness = endpoints.ServiceProvider.GetRequiredService<ServerReadiness>();
        group.MapGet("/healthz", () => Results.Text("ok\n"));
        group.MapGet("/readyz", () => readiness.NotReadyReason is { } reason
            ? Results.Text(new JsonObject { ["ready"] = false, ["reason"] = reason }.ToJsonString(ServerJson.Options), "application/json", statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Text(new JsonObject { ["ready"] = true }.ToJsonString(ServerJson.Options), "application/json"));
        return group;
    }

    /// <summary>Maps the web playground at <c>GET /</c>: one static page to try every capability in a browser.</summary>
    /// <param name="endpoints">The application or a route group.</param>
    /// <returns>A builder for conventions on the endpoint.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    public static IEndpointConventionBuilder MapMultimodalPlayground(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapGet("/", () => Results.Bytes(Playground.Page, "text/html; charset=utf-8"));
    }

    private static RouteGroupBuilder Group(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        Gate(endpoints);
        return endpoints.MapGroup(string.Empty);
    }

    private static IEndpointConventionBuilder Model(IEndpointRouteBuilder endpoints, string pattern, string pipeline, Func<HttpContext, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var gate = Gate(endpoints);
        return endpoints.MapPost(pattern, context => gate.RunAsync(context, handler, pipeline, pattern));
    }

    private static ServerGate Gate(IEndpointRouteBuilder endpoints) =>
        endpoints.ServiceProvider.GetService<ServerGate>()
        ?? throw new InvalidOperationException("The multimodal endpoints need services.AddMultimodalServer() (and the pipelines to serve, from services.AddMultimodal()).");
}

using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Multimodal.Sdk;

/// <summary>The model ids this server answers to, each tied to the pipeline registered in DI for it.</summary>
internal static class ServedModels
{
    /// <summary>Checks a request's <c>model</c> against the configured id (or an alias) and returns the pipeline, or a 404.</summary>
    public static T Resolve<T>(IServiceProvider services, MultimodalServerOptions options, string? requested, string servedId, string what)
        where T : class
    {
        var pipeline = services.GetService<T>() ?? throw ApiError.NotServed(what);
        if (requested is null)
        {
            return pipeline;
        }

        string id = options.ModelAliases.TryGetValue(requested, out var aliased) ? aliased : requested;
        return string.Equals(id, servedId, StringComparison.Ordinal) ? pipeline : throw ApiError.UnknownModel(requested);
    }

    /// <summary>Lists the served models, those whose pipeline is registered, with what each does (the playground reads it).</summary>
    public static IEnumerable<(string Id, string Capability)> List(IServiceProvider services, MultimodalServerOptions options)
    {
        var registered = services.GetRequiredService<IServiceProviderIsService>();
        if (registered.IsService(typeof(IChatClient)) || registered.IsService(typeof(IVisualQa)))
        {
            yield return (options.ChatModel, "chat");
        }

        if (registered.IsService(typeof(IImageCaptioner)))
        {
            yield return (options.CaptionModel, "caption");
        }

        if (registered.IsService(typeof(IClipEncoder)))
        {
            yield return (options.EmbeddingModel, "embeddings");
        }

        if (registered.IsService(typeof(ISpeechRecognizer)))
        {
            yield return (options.SpeechModel, "speech");
        }
    }
}

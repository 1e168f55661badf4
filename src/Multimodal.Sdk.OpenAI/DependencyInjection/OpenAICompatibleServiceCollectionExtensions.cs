using Multimodal.Sdk;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers remote pipelines over an OpenAI-compatible endpoint as the SDK's interfaces, default or keyed (several side by side, like local ones).</summary>
public static class OpenAICompatibleServiceCollectionExtensions
{
    /// <summary>Registers an <see cref="IVisualQa"/> over a remote vision chat model (a singleton).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="endpoint">The API base, ending in <c>/v1</c>.</param>
    /// <param name="apiKey">The key; <see langword="null"/> for none.</param>
    /// <param name="model">The model id.</param>
    /// <param name="name">A service key, or <see langword="null"/> for the default registration.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="endpoint"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="model"/> is empty.</exception>
    public static IServiceCollection AddOpenAICompatibleVisualQa(this IServiceCollection services, Uri endpoint, string? apiKey, string model, string? name = null) =>
        Add(services, endpoint, model, name, () => OpenAICompatible.CreateVisualQa(endpoint, apiKey, model));

    /// <summary>Registers an <see cref="IImageCaptioner"/> over a remote vision chat model with a captioning prompt (a singleton).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="endpoint">The API base, ending in <c>/v1</c>.</param>
    /// <param name="apiKey">The key; <see langword="null"/> for none.</param>
    /// <param name="model">The model id.</param>
    /// <param name="name">A service key, or <see langword="null"/> for the default registration.</param>
    /// <param name="prompt">The captioning instruction; <see langword="null"/> for the default.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="endpoint"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="model"/> is empty.</exception>
    public static IServiceCollection AddOpenAICompatibleImageCaptioner(this IServiceCollection services, Uri endpoint, string? apiKey, string model, string? name = null, string? prompt = null) =>
        Add(services, endpoint, model, name, () => OpenAICompatible.CreateImageCaptioner(endpoint, apiKey, model, prompt));

    /// <summary>Registers an <see cref="ISpeechRecognizer"/> over a remote transcription endpoint (a singleton).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="endpoint">The API base, ending in <c>/v1</c>.</param>
    /// <param name="apiKey">The key; <see langword="null"/> for none.</param>
    /// <param name="model">The model id.</param>
    /// <param name="name">A service key, or <see langword="null"/> for the default registration.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="endpoint"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="model"/> is empty.</exception>
    public static IServiceCollection AddOpenAICompatibleSpeechRecognizer(this IServiceCollection services, Uri endpoint, string? apiKey, string model, string? name = null) =>
        Add(services, endpoint, model, name, () => OpenAICompatible.CreateSpeechRecognizer(endpoint, apiKey, model));

    /// <summary>Registers an <see cref="IClipEncoder"/> over a remote embeddings endpoint (a singleton).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="endpoint">The API base, ending in <c>/v1</c>.</param>
    /// <param name="apiKey">The key; <see langword="null"/> for none.</param>
    /// <param name="model">The model id.</param>
    /// <param name="name">A service key, or <see langword="null"/> for the default registration.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="endpoint"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="model"/> is empty.</exception>
    public static IServiceCollection AddOpenAICompatibleClip(this IServiceCollection services, Uri endpoint, string? apiKey, string model, string? name = null) =>
        Add(services, endpoint, model, name, () => OpenAICompatible.CreateClipEncoder(endpoint, apiKey, model));

    private static IServiceCollection Add<T>(IServiceCollection services, Uri endpoint, string model, string? name, Func<T> create)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        if (name is null)
        {
            services.AddSingleton(_ => create());
        }
        else
        {
            services.AddKeyedSingleton(name, (_, _) => create());
        }

        return services;
    }
}

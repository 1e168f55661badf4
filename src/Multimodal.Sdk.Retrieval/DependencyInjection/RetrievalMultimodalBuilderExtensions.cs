using Multimodal.Sdk;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds retrieval (a store and a <see cref="MultimodalRetriever"/>) to the multimodal builder.</summary>
public static class RetrievalMultimodalBuilderExtensions
{
    /// <summary>
    /// Adds an embedded index folder as the default <see cref="IRetrievalStore"/> (an <see cref="EmbeddedRetrievalStore"/>
    /// singleton opened on first use, holding the folder's writer lock until the container is disposed).
    /// </summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="directory">The index folder; created when missing.</param>
    /// <param name="configure">Sets the store's options; optional.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty.</exception>
    public static IMultimodalBuilder AddRetrievalIndex(this IMultimodalBuilder builder, string directory, Action<EmbeddedRetrievalStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var options = new EmbeddedRetrievalStoreOptions();
        configure?.Invoke(options);
        builder.Services.AddSingleton<IRetrievalStore>(_ => EmbeddedRetrievalStore.Open(directory, options));
        return builder;
    }

    /// <summary>
    /// Adds a <see cref="MultimodalRetriever"/> singleton over the registered <see cref="IClipEncoder"/>, the registered
    /// <see cref="IRetrievalStore"/> (<see cref="AddRetrievalIndex"/> or another store) and, when one is registered, the
    /// <see cref="ISpeechRecognizer"/> that transcribes audio.
    /// </summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="configure">Sets the retriever's options; optional.</param>
    /// <returns>The builder.</returns>
    public static IMultimodalBuilder AddRetriever(this IMultimodalBuilder builder, Action<MultimodalRetrieverOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new MultimodalRetrieverOptions();
        configure?.Invoke(options);
        builder.Services.AddSingleton(sp => new MultimodalRetriever(
            sp.GetRequiredService<IClipEncoder>(),
            sp.GetRequiredService<IRetrievalStore>(),
            sp.GetService<ISpeechRecognizer>(),
            options));
        return builder;
    }
}

using Multimodal.Sdk;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds retrieval (a store and a <see cref="MultimodalRetriever"/>) to the multimodal builder.</summary>
public static class RetrievalMultimodalBuilderExtensions
{
    /// <summary>
    /// Adds an embedded index folder as the default <see cref="IRetrievalStore"/> (an <see cref="EmbeddedRetrievalStore"/>
    /// singleton opened on first use or by the hosted warm-up, holding the folder's writer lock until the container is
    /// disposed). Wrap it in middleware (a <see cref="DelegatingRetrievalStore"/>) with <c>Use</c> on the result.
    /// </summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="directory">The index folder; created when missing.</param>
    /// <param name="configure">Sets the store's options; optional.</param>
    /// <returns>The store's pipeline builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty.</exception>
    public static MultimodalPipelineBuilder<IRetrievalStore> AddRetrievalIndex(this IMultimodalBuilder builder, string directory, Action<EmbeddedRetrievalStoreOptions>? configure = null)
        => AddRetrievalIndex(builder, null, directory, configure);

    /// <summary>Adds an embedded index folder as an <see cref="IRetrievalStore"/> registered under <paramref name="name"/> (a keyed service).</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="name">The service key, or <see langword="null"/> for the default registration.</param>
    /// <param name="directory">The index folder; created when missing.</param>
    /// <param name="configure">Sets the store's options; optional.</param>
    /// <returns>The store's pipeline builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="directory"/> or <paramref name="name"/> is empty.</exception>
    public static MultimodalPipelineBuilder<IRetrievalStore> AddRetrievalIndex(this IMultimodalBuilder builder, string? name, string directory, Action<EmbeddedRetrievalStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var options = new EmbeddedRetrievalStoreOptions();
        configure?.Invoke(options);
        return builder.AddPipeline<IRetrievalStore>(name, _ => EmbeddedRetrievalStore.Open(directory, options), directory);
    }

    /// <summary>
    /// Adds sentence embeddings (a <see cref="SentenceEmbeddingGenerator"/> over a BERT-family model folder or hub repository,
    /// e.g. <c>Xenova/all-MiniLM-L6-v2</c>) as the default Microsoft.Extensions.AI
    /// <see cref="Microsoft.Extensions.AI.IEmbeddingGenerator{TInput, TEmbedding}"/> of strings. CLIP's <c>AddClip</c> registers
    /// the same service for its text side: give one of them a name to keep both.
    /// </summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="modelPath">The model folder or repository id.</param>
    /// <param name="configure">Sets token limit, normalization and batch size; optional.</param>
    /// <returns>The pipeline's builder: add middleware with <c>Use</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    public static MultimodalPipelineBuilder<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>> AddTextEmbeddings(this IMultimodalBuilder builder, string modelPath, Action<SentenceEmbeddingOptions>? configure = null)
        => AddTextEmbeddings(builder, null, modelPath, configure);

    /// <summary>Adds sentence embeddings registered under <paramref name="name"/> (a keyed service).</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="name">The service key, or <see langword="null"/> for the default registration.</param>
    /// <param name="modelPath">The model folder or repository id.</param>
    /// <param name="configure">Sets token limit, normalization and batch size; optional.</param>
    /// <returns>The pipeline's builder: add middleware with <c>Use</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> or <paramref name="name"/> is empty.</exception>
    public static MultimodalPipelineBuilder<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>> AddTextEmbeddings(this IMultimodalBuilder builder, string? name, string modelPath, Action<SentenceEmbeddingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        var options = new SentenceEmbeddingOptions();
        configure?.Invoke(options);
        return builder.AddPipeline<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>>(name, sp => new SentenceEmbeddingGenerator(sp.GetSessionFactory(), modelPath, options), modelPath);
    }

    /// <summary>
    /// Adds a <see cref="MultimodalRetriever"/> singleton over the registered <see cref="IClipEncoder"/>, the registered
    /// <see cref="IRetrievalStore"/> (<see cref="AddRetrievalIndex(IMultimodalBuilder, string, Action{EmbeddedRetrievalStoreOptions}?)"/>,
    /// PostgreSQL, or any other) and, when one is registered, the <see cref="ISpeechRecognizer"/> that transcribes audio.
    /// </summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="configure">Sets the retriever's options; optional.</param>
    /// <returns>The builder.</returns>
    public static IMultimodalBuilder AddRetriever(this IMultimodalBuilder builder, Action<MultimodalRetrieverOptions>? configure = null)
        => AddRetriever(builder, null, configure);

    /// <summary>
    /// Adds a <see cref="MultimodalRetriever"/> registered under <paramref name="name"/> (a keyed service) over the
    /// encoder, store and (optional) recognizer registered under the same name.
    /// </summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="name">The service key, or <see langword="null"/> for the default registration.</param>
    /// <param name="configure">Sets the retriever's options; optional.</param>
    /// <returns>The builder.</returns>
    public static IMultimodalBuilder AddRetriever(this IMultimodalBuilder builder, string? name, Action<MultimodalRetrieverOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new MultimodalRetrieverOptions();
        configure?.Invoke(options);
        if (name is null)
        {
            builder.Services.AddSingleton(sp => new MultimodalRetriever(
                sp.GetRequiredService<IClipEncoder>(),
                sp.GetRequiredService<IRetrievalStore>(),
                sp.GetService<ISpeechRecognizer>(),
                options));
        }
        else
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name);
            builder.Services.AddKeyedSingleton(name, (sp, _) => new MultimodalRetriever(
                sp.GetRequiredKeyedService<IClipEncoder>(name),
                sp.GetRequiredKeyedService<IRetrievalStore>(name),
                sp.GetKeyedService<ISpeechRecognizer>(name),
                options));
        }

        return builder;
    }
}

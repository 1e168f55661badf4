using Multimodal.Sdk;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds vision pipelines to the multimodal builder.</summary>
public static class VisionMultimodalBuilderExtensions
{
    /// <summary>
    /// Adds a CLIP encoder as the default <see cref="IClipEncoder"/> (a singleton created on first use), with its
    /// text and image sides also registered as Microsoft.Extensions.AI embedding generators.
    /// </summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="modelPath">The CLIP model folder.</param>
    /// <returns>The pipeline's builder: add middleware with <c>Use</c>, <c>UseLogging</c>, <c>UseOpenTelemetry</c>, or the next pipeline.</returns>
    public static MultimodalPipelineBuilder<IClipEncoder> AddClip(this IMultimodalBuilder builder, string modelPath) => AddClip(builder, null, modelPath);

    /// <summary>Adds a CLIP encoder registered under <paramref name="name"/> (a keyed service), so several models live side by side.</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="name">The service key, or <see langword="null"/> for the default registration.</param>
    /// <param name="modelPath">The CLIP model folder.</param>
    /// <returns>The pipeline's builder: add middleware with <c>Use</c>, <c>UseLogging</c>, <c>UseOpenTelemetry</c>, or the next pipeline.</returns>
    public static MultimodalPipelineBuilder<IClipEncoder> AddClip(this IMultimodalBuilder builder, string? name, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        var pipeline = builder.AddPipeline<IClipEncoder>(name, sp => new ClipEncoder(sp.GetSessionFactory(), modelPath), modelPath);
        if (name is null)
        {
            builder.Services.AddSingleton<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>>(sp => new ClipTextEmbeddingGenerator(sp.GetRequiredService<IClipEncoder>()));
            builder.Services.AddSingleton<Microsoft.Extensions.AI.IEmbeddingGenerator<Microsoft.Extensions.AI.DataContent, Microsoft.Extensions.AI.Embedding<float>>>(sp => new ClipImageEmbeddingGenerator(sp.GetRequiredService<IClipEncoder>()));
        }
        else
        {
            builder.Services.AddKeyedSingleton<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>>(name, (sp, _) => new ClipTextEmbeddingGenerator(sp.GetRequiredKeyedService<IClipEncoder>(name)));
            builder.Services.AddKeyedSingleton<Microsoft.Extensions.AI.IEmbeddingGenerator<Microsoft.Extensions.AI.DataContent, Microsoft.Extensions.AI.Embedding<float>>>(name, (sp, _) => new ClipImageEmbeddingGenerator(sp.GetRequiredKeyedService<IClipEncoder>(name)));
        }

        return pipeline;
    }

    /// <summary>Adds an image captioner as the default <see cref="IImageCaptioner"/> (a singleton created on first use).</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="modelPath">The vision-encoder-decoder model folder.</param>
    /// <returns>The pipeline's builder: add middleware with <c>Use</c>, <c>UseLogging</c>, <c>UseOpenTelemetry</c>, or the next pipeline.</returns>
    public static MultimodalPipelineBuilder<IImageCaptioner> AddImageCaptioner(this IMultimodalBuilder builder, string modelPath) => AddImageCaptioner(builder, null, modelPath);

    /// <summary>Adds an image captioner registered under <paramref name="name"/> (a keyed service).</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="name">The service key, or <see langword="null"/> for the default registration.</param>
    /// <param name="modelPath">The vision-encoder-decoder model folder.</param>
    /// <returns>The pipeline's builder: add middleware with <c>Use</c>, <c>UseLogging</c>, <c>UseOpenTelemetry</c>, or the next pipeline.</returns>
    public static MultimodalPipelineBuilder<IImageCaptioner> AddImageCaptioner(this IMultimodalBuilder builder, string? name, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        return builder.AddPipeline<IImageCaptioner>(name, sp => new ImageCaptioner(sp.GetSessionFactory(), modelPath), modelPath);
    }

    /// <summary>
    /// Adds visual question answering as the default <see cref="IVisualQa"/> (a singleton created on first use). Vision chat
    /// over the same folder shares its loaded model.
    /// </summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="modelPath">The vision-language (LLaVA-style) model folder.</param>
    /// <returns>The pipeline's builder: add middleware with <c>Use</c>, <c>UseLogging</c>, <c>UseOpenTelemetry</c>, or the next pipeline.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    public static MultimodalPipelineBuilder<IVisualQa> AddVisualQa(this IMultimodalBuilder builder, string modelPath) => AddVisualQa(builder, null, modelPath);

    /// <summary>Adds visual question answering registered under <paramref name="name"/> (a keyed service).</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="name">The service key, or <see langword="null"/> for the default registration.</param>
    /// <param name="modelPath">The vision-language (LLaVA-style) model folder.</param>
    /// <returns>The pipeline's builder: add middleware with <c>Use</c>, <c>UseLogging</c>, <c>UseOpenTelemetry</c>, or the next pipeline.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> or <paramref name="name"/> is empty.</exception>
    public static MultimodalPipelineBuilder<IVisualQa> AddVisualQa(this IMultimodalBuilder builder, string? name, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        return builder.AddPipeline<IVisualQa>(name, sp => new VisualQa(SharedModel(sp, modelPath, "Visual QA")), modelPath);
    }

    /// <summary>
    /// Adds chat about images as the default Microsoft.Extensions.AI <see cref="Microsoft.Extensions.AI.IChatClient"/>
    /// (a <see cref="VisionChatClient"/> singleton created on first use), registered through M.E.AI's own
    /// <c>AddChatClient</c>, so every M.E.AI middleware applies (<see cref="VisionChatClientBuilder.ChatClient"/>). Visual QA
    /// over the same folder shares its loaded model.
    /// </summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="modelPath">The vision-language (LLaVA-style) model folder.</param>
    /// <returns>The pipeline's builder: add middleware with <c>Use</c>, <c>UseLogging</c>, <c>UseOpenTelemetry</c>, or the next pipeline.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    public static VisionChatClientBuilder AddVisionChat(this IMultimodalBuilder builder, string modelPath) => AddVisionChat(builder, null, modelPath);

    /// <summary>Adds chat about images as an <see cref="Microsoft.Extensions.AI.IChatClient"/> registered under <paramref name="name"/> (a keyed service).</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="name">The service key, or <see langword="null"/> for the default registration.</param>
    /// <param name="modelPath">The vision-language (LLaVA-style) model folder.</param>
    /// <returns>The pipeline's builder: add middleware with <c>Use</c>, <c>UseLogging</c>, <c>UseOpenTelemetry</c>, or the next pipeline.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> or <paramref name="name"/> is empty.</exception>
    public static VisionChatClientBuilder AddVisionChat(this IMultimodalBuilder builder, string? name, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        Func<IServiceProvider, Microsoft.Extensions.AI.IChatClient> create = sp => new VisionChatClient(SharedModel(sp, modelPath, "Vision chat"));
        var chat = name is null ? builder.Services.AddChatClient(create) : builder.Services.AddKeyedChatClient(name, create);
        builder.AddWarmupTarget<Microsoft.Extensions.AI.IChatClient>(name);
        return new VisionChatClientBuilder(builder.Services, chat);
    }

    // Visual QA and vision chat over one folder hold one loaded model between them.
    private static ModelLease<VisionLanguageModel> SharedModel(IServiceProvider services, string modelPath, string pipeline) =>
        services.GetModelCache().Acquire(modelPath, () => new VisionLanguageModel(services.GetSessionFactory(), modelPath, pipeline));
}

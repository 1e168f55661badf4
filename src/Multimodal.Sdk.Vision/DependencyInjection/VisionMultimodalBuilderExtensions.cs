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
    /// <returns>The builder.</returns>
    public static IMultimodalBuilder AddClip(this IMultimodalBuilder builder, string modelPath) => AddClip(builder, null, modelPath);

    /// <summary>Adds a CLIP encoder registered under <paramref name="name"/> (a keyed service), so several models live side by side.</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="name">The service key, or <see langword="null"/> for the default registration.</param>
    /// <param name="modelPath">The CLIP model folder.</param>
    /// <returns>The builder.</returns>
    public static IMultimodalBuilder AddClip(this IMultimodalBuilder builder, string? name, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        builder.AddPipeline<IClipEncoder>(name, sp => new ClipEncoder(sp.GetSessionFactory(), modelPath));
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

        return builder;
    }

    /// <summary>Adds an image captioner as the default <see cref="IImageCaptioner"/> (a singleton created on first use).</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="modelPath">The vision-encoder-decoder model folder.</param>
    /// <returns>The builder.</returns>
    public static IMultimodalBuilder AddImageCaptioner(this IMultimodalBuilder builder, string modelPath) => AddImageCaptioner(builder, null, modelPath);

    /// <summary>Adds an image captioner registered under <paramref name="name"/> (a keyed service).</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="name">The service key, or <see langword="null"/> for the default registration.</param>
    /// <param name="modelPath">The vision-encoder-decoder model folder.</param>
    /// <returns>The builder.</returns>
    public static IMultimodalBuilder AddImageCaptioner(this IMultimodalBuilder builder, string? name, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        return builder.AddPipeline<IImageCaptioner>(name, sp => new ImageCaptioner(sp.GetSessionFactory(), modelPath));
    }

    /// <summary>Adds visual question answering as the default <see cref="IVisualQa"/> (a singleton created on first use).</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="modelPath">The vision-language (LLaVA-style) model folder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    public static IMultimodalBuilder AddVisualQa(this IMultimodalBuilder builder, string modelPath) => AddVisualQa(builder, null, modelPath);

    /// <summary>Adds visual question answering registered under <paramref name="name"/> (a keyed service).</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="name">The service key, or <see langword="null"/> for the default registration.</param>
    /// <param name="modelPath">The vision-language (LLaVA-style) model folder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> or <paramref name="name"/> is empty.</exception>
    public static IMultimodalBuilder AddVisualQa(this IMultimodalBuilder builder, string? name, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        return builder.AddPipeline<IVisualQa>(name, sp => new VisualQa(sp.GetSessionFactory(), modelPath));
    }

    /// <summary>
    /// Adds chat about images as the default Microsoft.Extensions.AI <see cref="Microsoft.Extensions.AI.IChatClient"/>
    /// (a <see cref="VisionChatClient"/> singleton created on first use).
    /// </summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="modelPath">The vision-language (LLaVA-style) model folder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    public static IMultimodalBuilder AddVisionChat(this IMultimodalBuilder builder, string modelPath) => AddVisionChat(builder, null, modelPath);

    /// <summary>Adds chat about images as an <see cref="Microsoft.Extensions.AI.IChatClient"/> registered under <paramref name="name"/> (a keyed service).</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="name">The service key, or <see langword="null"/> for the default registration.</param>
    /// <param name="modelPath">The vision-language (LLaVA-style) model folder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> or <paramref name="name"/> is empty.</exception>
    public static IMultimodalBuilder AddVisionChat(this IMultimodalBuilder builder, string? name, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        return builder.AddPipeline<Microsoft.Extensions.AI.IChatClient>(name, sp => new VisionChatClient(sp.GetSessionFactory(), modelPath));
    }

    /// <summary>Adds OCR as the default <see cref="ITextReader"/> (a <see cref="OcrReader"/> singleton created on first use).</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="modelPath">The OCR model folder (with <c>ocr_config.json</c>, docs/model-folders.md).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    public static IMultimodalBuilder AddTextReader(this IMultimodalBuilder builder, string modelPath) => AddTextReader(builder, null, modelPath);

    /// <summary>Adds OCR as an <see cref="ITextReader"/> registered under <paramref name="name"/> (a keyed service).</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="name">The service key, or <see langword="null"/> for the default registration.</param>
    /// <param name="modelPath">The OCR model folder (with <c>ocr_config.json</c>).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> or <paramref name="name"/> is empty.</exception>
    public static IMultimodalBuilder AddTextReader(this IMultimodalBuilder builder, string? name, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        return builder.AddPipeline<ITextReader>(name, sp => new OcrReader(sp.GetSessionFactory(), modelPath));
    }
}

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
}

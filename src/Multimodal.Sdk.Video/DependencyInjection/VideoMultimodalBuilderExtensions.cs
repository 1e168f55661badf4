using Microsoft.Extensions.DependencyInjection.Extensions;
using Multimodal.Sdk;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds video pipelines to the multimodal builder. Each also registers an <see cref="IVideoDecoder"/> (ffmpeg, <see cref="FfmpegVideoDecoder"/>) unless one is registered already.</summary>
public static class VideoMultimodalBuilderExtensions
{
    /// <summary>Registers <see cref="FfmpegVideoDecoder"/> as the <see cref="IVideoDecoder"/> (with <see cref="MultimodalOptions.FfmpegPath"/> and the limits) unless one is registered.</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IMultimodalBuilder AddVideoDecoder(this IMultimodalBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<IVideoDecoder>(sp => new FfmpegVideoDecoder(sp.GetSessionFactory().Options));
        return builder;
    }

    /// <summary>Adds video embeddings, zero-shot classification and moment search (<see cref="ClipVideoEncoder"/> over a CLIP folder) as the default <see cref="IVideoEncoder"/>.</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="clipModelPath">The CLIP model folder.</param>
    /// <returns>The pipeline's builder: add middleware with <c>Use</c>, or the next pipeline.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="clipModelPath"/> is empty.</exception>
    public static MultimodalPipelineBuilder<IVideoEncoder> AddVideoEncoder(this IMultimodalBuilder builder, string clipModelPath) => AddVideoEncoder(builder, null, clipModelPath);

    /// <summary>Adds a video encoder registered under <paramref name="name"/> (a keyed service).</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="name">The service key, or <see langword="null"/> for the default registration.</param>
    /// <param name="clipModelPath">The CLIP model folder.</param>
    /// <returns>The pipeline's builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="clipModelPath"/> or <paramref name="name"/> is empty.</exception>
    public static MultimodalPipelineBuilder<IVideoEncoder> AddVideoEncoder(this IMultimodalBuilder builder, string? name, string clipModelPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clipModelPath);
        builder.AddVideoDecoder();
        return builder.AddPipeline<IVideoEncoder>(name, sp => new ClipVideoEncoder(new ClipEncoder(sp.GetSessionFactory(), clipModelPath), sp.GetRequiredService<IVideoDecoder>(), ownsClip: true), clipModelPath);
    }

    /// <summary>Adds storyboards (<see cref="VideoCaptioner"/> over an image-captioning folder) as the default <see cref="IVideoCaptioner"/>.</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="captionerModelPath">The vision-encoder-decoder model folder.</param>
    /// <returns>The pipeline's builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="captionerModelPath"/> is empty.</exception>
    public static MultimodalPipelineBuilder<IVideoCaptioner> AddVideoCaptioner(this IMultimodalBuilder builder, string captionerModelPath) => AddVideoCaptioner(builder, null, captionerModelPath);

    /// <summary>Adds a storyboard captioner registered under <paramref name="name"/> (a keyed service).</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="name">The service key, or <see langword="null"/> for the default registration.</param>
    /// <param name="captionerModelPath">The vision-encoder-decoder model folder.</param>
    /// <returns>The pipeline's builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="captionerModelPath"/> or <paramref name="name"/> is empty.</exception>
    public static MultimodalPipelineBuilder<IVideoCaptioner> AddVideoCaptioner(this IMultimodalBuilder builder, string? name, string captionerModelPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(captionerModelPath);
        builder.AddVideoDecoder();
        return builder.AddPipeline<IVideoCaptioner>(name, sp => new VideoCaptioner(new ImageCaptioner(sp.GetSessionFactory(), captionerModelPath), sp.GetRequiredService<IVideoDecoder>(), ownsCaptioner: true), captionerModelPath);
    }

    /// <summary>Adds video question answering (<see cref="VideoQa"/>) as the default <see cref="IVideoQa"/>; video chat over the same folder shares its loaded model.</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="modelPath">The LLaVA-NeXT-Video style model folder.</param>
    /// <returns>The pipeline's builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    public static MultimodalPipelineBuilder<IVideoQa> AddVideoQa(this IMultimodalBuilder builder, string modelPath) => AddVideoQa(builder, null, modelPath);

    /// <summary>Adds video question answering registered under <paramref name="name"/> (a keyed service).</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="name">The service key, or <see langword="null"/> for the default registration.</param>
    /// <param name="modelPath">The LLaVA-NeXT-Video style model folder.</param>
    /// <returns>The pipeline's builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> or <paramref name="name"/> is empty.</exception>
    public static MultimodalPipelineBuilder<IVideoQa> AddVideoQa(this IMultimodalBuilder builder, string? name, string modelPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        builder.AddVideoDecoder();
        return builder.AddPipeline<IVideoQa>(name, sp => new VideoQa(SharedModel(sp, modelPath, "Video QA"), sp.GetRequiredService<IVideoDecoder>()), modelPath);
    }

    /// <summary>
    /// Adds chat about videos as the default Microsoft.Extensions.AI <see cref="AI.IChatClient"/> (a <see cref="VideoChatClient"/>),
    /// registered through M.E.AI's own <c>AddChatClient</c> so every M.E.AI middleware applies; video QA over the same folder
    /// shares its loaded model.
    /// </summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="modelPath">The LLaVA-NeXT-Video style model folder.</param>
    /// <returns>The pipeline's builder (<see cref="VisionChatClientBuilder.ChatClient"/> for M.E.AI middleware).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    public static VisionChatClientBuilder AddVideoChat(this IMultimodalBuilder builder, string modelPath) => AddVideoChat(builder, null, modelPath);

    /// <summary>Adds chat about videos as an <see cref="AI.IChatClient"/> registered under <paramref name="name"/> (a keyed service).</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="name">The service key, or <see langword="null"/> for the default registration.</param>
    /// <param name="modelPath">The LLaVA-NeXT-Video style model folder.</param>
    /// <returns>The pipeline's builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> or <paramref name="name"/> is empty.</exception>
    public static VisionChatClientBuilder AddVideoChat(this IMultimodalBuilder builder, string? name, string modelPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        builder.AddVideoDecoder();
        Func<IServiceProvider, AI.IChatClient> create = sp => new VideoChatClient(SharedModel(sp, modelPath, "Video chat"), sp.GetRequiredService<IVideoDecoder>());
        var chat = name is null ? builder.Services.AddChatClient(create) : builder.Services.AddKeyedChatClient(name, create);
        builder.AddWarmupTarget<AI.IChatClient>(name);
        return new VisionChatClientBuilder(builder.Services, chat);
    }

    // Video QA and video chat over one folder hold one loaded model between them.
    private static ModelLease<VisionLanguageModel> SharedModel(IServiceProvider services, string modelPath, string pipeline) =>
        services.GetModelCache().Acquire(modelPath, () => new VisionLanguageModel(services.GetSessionFactory(), modelPath, pipeline, VisualMediaContract.Video));
}

using Microsoft.Extensions.Caching.Memory;
using Multimodal.Sdk;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Middleware for serving many concurrent callers: <c>UseBatching()</c> gathers their calls into shared model batches
/// and <c>UseCaching()</c> keeps embeddings of repeated content. Add caching before batching
/// (<c>.AddClip(path).UseCaching().UseBatching()</c>), so hits never wait for a batch.
/// </summary>
public static class ServingPipelineBuilderExtensions
{
    /// <summary>Gathers concurrent CLIP calls (image and text embeddings, hence zero-shot classification) into shared model batches (<see cref="BatchingClipEncoder"/>).</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="options">Batch size, wait and queue length; <see langword="null"/> for the defaults.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static MultimodalPipelineBuilder<IClipEncoder> UseBatching(this MultimodalPipelineBuilder<IClipEncoder> builder, BatchingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        string? modelId = builder.ModelId;
        return builder.Use(inner => new BatchingClipEncoder(inner, options, modelId));
    }

    /// <summary>Gathers concurrent captioning calls with equal decoding options into shared model batches (<see cref="BatchingImageCaptioner"/>).</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="options">Batch size, wait and queue length; <see langword="null"/> for the defaults.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static MultimodalPipelineBuilder<IImageCaptioner> UseBatching(this MultimodalPipelineBuilder<IImageCaptioner> builder, BatchingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        string? modelId = builder.ModelId;
        return builder.Use(inner => new BatchingImageCaptioner(inner, options, modelId));
    }

    /// <summary>
    /// Gathers the vision-encoder runs of concurrent visual-QA calls into shared batches (the prefill's image part);
    /// each call then generates its answers on its own. A call's cancellation ends only that call; an image that fails
    /// fails only its caller.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="options">Batch size, wait and queue length; <see langword="null"/> for the defaults.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static MultimodalPipelineBuilder<IVisualQa> UseBatching(this MultimodalPipelineBuilder<IVisualQa> builder, BatchingOptions? options = null) =>
        UseEncoderBatching(builder, options, qa => qa.GetService(typeof(IEncoderBatching)));

    /// <summary>
    /// Gathers the audio-encoder runs of concurrent speech-recognition calls (one 30 s window each) into shared batches;
    /// each call then decodes its window on its own. A call's cancellation ends only that call.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="options">Batch size, wait and queue length; <see langword="null"/> for the defaults.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static MultimodalPipelineBuilder<ISpeechRecognizer> UseBatching(this MultimodalPipelineBuilder<ISpeechRecognizer> builder, BatchingOptions? options = null) =>
        UseEncoderBatching(builder, options, recognizer => recognizer.GetService(typeof(IEncoderBatching)));

    /// <summary>Caches CLIP image and text embeddings by content hash (<see cref="CachingClipEncoder"/>).</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="maxEntries">The most embeddings kept, when the container has no <see cref="IMemoryCache"/>; with one (<c>AddMemoryCache()</c>), that cache and its limits are used.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxEntries"/> is less than 1.</exception>
    public static MultimodalPipelineBuilder<IClipEncoder> UseCaching(this MultimodalPipelineBuilder<IClipEncoder> builder, int maxEntries = 10_000)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        string? modelId = builder.ModelId;
        return builder.Use((inner, services) => new CachingClipEncoder(inner, services.GetService<IMemoryCache>(), maxEntries, modelId));
    }

    // The encoder batching lives inside the pipeline (only its encoder step is shared), so this middleware only turns it
    // on; a pipeline without an encoder to batch (a remote one) is left as it is.
    private static MultimodalPipelineBuilder<T> UseEncoderBatching<T>(MultimodalPipelineBuilder<T> builder, BatchingOptions? options, Func<T, object?> find)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        var copy = (options ?? new BatchingOptions()).Clone();
        copy.Validate();
        string? modelId = builder.ModelId;
        return builder.Use(inner =>
        {
            (find(inner) as IEncoderBatching)?.EnableEncoderBatching(copy, modelId);
            return inner;
        });
    }
}

using Microsoft.Extensions.AI;

namespace Multimodal.Sdk;

/// <summary>
/// Gathers the images and the texts of concurrent calls into shared model batches (micro-batching), so a server's
/// many one-image requests run as a few large ONNX Runtime batches. Zero-shot classification goes through it too: it
/// embeds its labels and its images through <see cref="EmbedTextsAsync"/> and <see cref="EmbedImagesAsync"/>.
/// </summary>
/// <remarks>
/// Safe for concurrent use. Results equal the unbatched ones (each image and text is encoded independently of its
/// batch neighbours). A caller's cancellation completes its call at once; the batch stops only when all its callers
/// have cancelled. An input that fails fails only its own call. Disposing stops the batching and disposes the inner
/// encoder; calls waiting in the queue end with <see cref="ObjectDisposedException"/>.
/// </remarks>
public sealed class BatchingClipEncoder : DelegatingClipEncoder
{
    private readonly MicroBatcher<ImageData, Embedding<float>> _images;
    private readonly MicroBatcher<string, Embedding<float>> _texts;

    /// <summary>Wraps an encoder.</summary>
    /// <param name="innerEncoder">The encoder batches go to.</param>
    /// <param name="options">Batch size, wait and queue length; <see langword="null"/> for the defaults.</param>
    /// <param name="modelId">The model's name for the batching metrics, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerEncoder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public BatchingClipEncoder(IClipEncoder innerEncoder, BatchingOptions? options = null, string? modelId = null)
        : base(innerEncoder)
    {
        options ??= new BatchingOptions();
        // Decoding and resizing happen on each caller's thread before its images join a batch, when the encoder can split
        // them off (the ONNX Runtime CLIP encoder can): the batch then holds only the model run.
        var preparer = innerEncoder.GetService(typeof(IImageBatchPreparer)) as IImageBatchPreparer;
        _images = new MicroBatcher<ImageData, Embedding<float>>(
            "clip.image", modelId, options, (batch, ct) => InnerEncoder.EmbedImagesAsync(batch, ct), preparer is null ? null : preparer.Prepare);
        _texts = new MicroBatcher<string, Embedding<float>>("clip.text", modelId, options, (batch, ct) => InnerEncoder.EmbedTextsAsync(batch, ct));
    }

    /// <inheritdoc/>
    /// <exception cref="PipelineBusyException">The batch queue is full.</exception>
    public override Task<IReadOnlyList<Embedding<float>>> EmbedImagesAsync(IReadOnlyList<ImageData> images, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        return images.Count == 0 ? base.EmbedImagesAsync(images, cancellationToken) : _images.RunAsync(images, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="PipelineBusyException">The batch queue is full.</exception>
    public override Task<IReadOnlyList<Embedding<float>>> EmbedTextsAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return texts.Count == 0 ? base.EmbedTextsAsync(texts, cancellationToken) : _texts.RunAsync(texts, cancellationToken);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _images.Dispose();
            _texts.Dispose();
        }

        base.Dispose(disposing);
    }
}

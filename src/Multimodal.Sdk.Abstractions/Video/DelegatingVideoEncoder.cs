namespace Multimodal.Sdk;

/// <summary>
/// Passes every call to an inner <see cref="IVideoEncoder"/>: derive from it to add caching, logging, telemetry or
/// batching around any video encoder.
/// </summary>
/// <remarks>Safe for concurrent use when the inner pipeline is and the derived class adds no unsynchronized state.</remarks>
public class DelegatingVideoEncoder : IVideoEncoder
{
    /// <summary>Wraps a pipeline.</summary>
    /// <param name="innerEncoder">The pipeline calls go to.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerEncoder"/> is <see langword="null"/>.</exception>
    protected DelegatingVideoEncoder(IVideoEncoder innerEncoder)
    {
        ArgumentNullException.ThrowIfNull(innerEncoder);
        InnerEncoder = innerEncoder;
    }

    /// <summary>Gets the pipeline calls go to.</summary>
    protected IVideoEncoder InnerEncoder { get; }

    /// <inheritdoc/>
    public virtual Task<VideoEmbedding> EmbedVideoAsync(string path, VideoEmbeddingOptions? options = null, CancellationToken cancellationToken = default) =>
        InnerEncoder.EmbedVideoAsync(path, options, cancellationToken);

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<Microsoft.Extensions.AI.Embedding<float>>> EmbedTextsAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
        InnerEncoder.EmbedTextsAsync(texts, cancellationToken);

    /// <inheritdoc/>
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : InnerEncoder.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the inner pipeline.</summary>
    /// <param name="disposing">Whether this is called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            InnerEncoder.Dispose();
        }
    }
}

using Microsoft.Extensions.AI;

namespace Multimodal.Sdk;

/// <summary>
/// Passes every call to an inner <see cref="IClipEncoder"/>: derive from it to add caching, logging, telemetry
/// or batching around any encoder.
/// </summary>
/// <remarks>Safe for concurrent use when the inner encoder is and the derived class adds no unsynchronized state.</remarks>
public class DelegatingClipEncoder : IClipEncoder
{
    /// <summary>Wraps an encoder.</summary>
    /// <param name="innerEncoder">The encoder calls go to.</param>
    protected DelegatingClipEncoder(IClipEncoder innerEncoder)
    {
        ArgumentNullException.ThrowIfNull(innerEncoder);
        InnerEncoder = innerEncoder;
    }

    /// <summary>Gets the encoder calls go to.</summary>
    protected IClipEncoder InnerEncoder { get; }

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<Embedding<float>>> EmbedImagesAsync(IReadOnlyList<ImageData> images, CancellationToken cancellationToken = default) =>
        InnerEncoder.EmbedImagesAsync(images, cancellationToken);

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<Embedding<float>>> EmbedTextsAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
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

    /// <summary>Disposes the inner encoder.</summary>
    /// <param name="disposing">Whether this is called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            InnerEncoder.Dispose();
        }
    }
}

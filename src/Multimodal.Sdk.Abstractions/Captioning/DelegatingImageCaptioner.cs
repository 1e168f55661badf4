namespace Multimodal.Sdk;

/// <summary>
/// Passes every call to an inner <see cref="IImageCaptioner"/>: derive from it to add caching, logging,
/// telemetry or batching around any captioner.
/// </summary>
/// <remarks>Safe for concurrent use when the inner captioner is and the derived class adds no unsynchronized state.</remarks>
public class DelegatingImageCaptioner : IImageCaptioner
{
    /// <summary>Wraps a captioner.</summary>
    /// <param name="innerCaptioner">The captioner calls go to.</param>
    protected DelegatingImageCaptioner(IImageCaptioner innerCaptioner)
    {
        ArgumentNullException.ThrowIfNull(innerCaptioner);
        InnerCaptioner = innerCaptioner;
    }

    /// <summary>Gets the captioner calls go to.</summary>
    protected IImageCaptioner InnerCaptioner { get; }

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<CaptionResult>> CaptionAsync(IReadOnlyList<ImageData> images, CaptionOptions? options = null, CancellationToken cancellationToken = default) =>
        InnerCaptioner.CaptionAsync(images, options, cancellationToken);

    /// <inheritdoc/>
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : InnerCaptioner.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the inner captioner.</summary>
    /// <param name="disposing">Whether this is called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            InnerCaptioner.Dispose();
        }
    }
}

namespace Multimodal.Sdk;

/// <summary>
/// Passes every call to an inner <see cref="IVideoCaptioner"/>: derive from it to add caching, logging, telemetry or
/// batching around any video captioner.
/// </summary>
/// <remarks>Safe for concurrent use when the inner pipeline is and the derived class adds no unsynchronized state.</remarks>
public class DelegatingVideoCaptioner : IVideoCaptioner
{
    /// <summary>Wraps a pipeline.</summary>
    /// <param name="innerCaptioner">The pipeline calls go to.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerCaptioner"/> is <see langword="null"/>.</exception>
    protected DelegatingVideoCaptioner(IVideoCaptioner innerCaptioner)
    {
        ArgumentNullException.ThrowIfNull(innerCaptioner);
        InnerCaptioner = innerCaptioner;
    }

    /// <summary>Gets the pipeline calls go to.</summary>
    protected IVideoCaptioner InnerCaptioner { get; }

    /// <inheritdoc/>
    public virtual Task<VideoStoryboard> CaptionAsync(string path, VideoCaptionOptions? options = null, CancellationToken cancellationToken = default) =>
        InnerCaptioner.CaptionAsync(path, options, cancellationToken);

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

    /// <summary>Disposes the inner pipeline.</summary>
    /// <param name="disposing">Whether this is called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            InnerCaptioner.Dispose();
        }
    }
}

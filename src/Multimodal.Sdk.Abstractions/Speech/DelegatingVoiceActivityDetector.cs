namespace Multimodal.Sdk;

/// <summary>
/// Passes every call to an inner <see cref="IVoiceActivityDetector"/>: derive from it to add caching, logging or
/// telemetry around any detector.
/// </summary>
/// <remarks>Safe for concurrent use when the inner detector is and the derived class adds no unsynchronized state.</remarks>
public class DelegatingVoiceActivityDetector : IVoiceActivityDetector
{
    /// <summary>Wraps a detector.</summary>
    /// <param name="innerDetector">The detector calls go to.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerDetector"/> is <see langword="null"/>.</exception>
    protected DelegatingVoiceActivityDetector(IVoiceActivityDetector innerDetector)
    {
        ArgumentNullException.ThrowIfNull(innerDetector);
        InnerDetector = innerDetector;
    }

    /// <summary>Gets the detector calls go to.</summary>
    protected IVoiceActivityDetector InnerDetector { get; }

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<VoiceActivityRegion>> DetectAsync(AudioData audio, VoiceActivityOptions? options = null, CancellationToken cancellationToken = default) =>
        InnerDetector.DetectAsync(audio, options, cancellationToken);

    /// <inheritdoc/>
    public virtual IAsyncEnumerable<VoiceActivityRegion> DetectStreamingAsync(AudioData audio, VoiceActivityOptions? options = null, CancellationToken cancellationToken = default) =>
        InnerDetector.DetectStreamingAsync(audio, options, cancellationToken);

    /// <inheritdoc/>
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : InnerDetector.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the inner detector.</summary>
    /// <param name="disposing">Whether this is called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            InnerDetector.Dispose();
        }
    }
}

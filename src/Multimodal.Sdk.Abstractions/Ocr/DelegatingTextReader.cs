namespace Multimodal.Sdk;

/// <summary>
/// Passes every call to an inner <see cref="ITextReader"/>: derive from it to add caching, logging, telemetry or
/// batching around any reader.
/// </summary>
/// <remarks>Safe for concurrent use when the inner reader is and the derived class adds no unsynchronized state.</remarks>
public class DelegatingTextReader : ITextReader
{
    /// <summary>Wraps a reader.</summary>
    /// <param name="innerReader">The reader calls go to.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerReader"/> is <see langword="null"/>.</exception>
    protected DelegatingTextReader(ITextReader innerReader)
    {
        ArgumentNullException.ThrowIfNull(innerReader);
        InnerReader = innerReader;
    }

    /// <summary>Gets the reader calls go to.</summary>
    protected ITextReader InnerReader { get; }

    /// <inheritdoc/>
    public virtual Task<TextReadResult> ReadAsync(ImageData image, TextReadOptions? options = null, CancellationToken cancellationToken = default) =>
        InnerReader.ReadAsync(image, options, cancellationToken);

    /// <inheritdoc/>
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : InnerReader.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the inner reader.</summary>
    /// <param name="disposing">Whether this is called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            InnerReader.Dispose();
        }
    }
}

namespace Multimodal.Sdk;

/// <summary>
/// Passes every call to an inner <see cref="IVisualQa"/>: derive from it to add caching, logging, telemetry or
/// batching around any visual QA pipeline.
/// </summary>
/// <remarks>Safe for concurrent use when the inner pipeline is and the derived class adds no unsynchronized state.</remarks>
public class DelegatingVisualQa : IVisualQa
{
    /// <summary>Wraps a pipeline.</summary>
    /// <param name="innerVisualQa">The pipeline calls go to.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerVisualQa"/> is <see langword="null"/>.</exception>
    protected DelegatingVisualQa(IVisualQa innerVisualQa)
    {
        ArgumentNullException.ThrowIfNull(innerVisualQa);
        InnerVisualQa = innerVisualQa;
    }

    /// <summary>Gets the pipeline calls go to.</summary>
    protected IVisualQa InnerVisualQa { get; }

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<VisualQaResult>> AnswerAsync(ImageData image, IReadOnlyList<string> questions, VisualQaOptions? options = null, CancellationToken cancellationToken = default) =>
        InnerVisualQa.AnswerAsync(image, questions, options, cancellationToken);

    /// <inheritdoc/>
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : InnerVisualQa.GetService(serviceType, serviceKey);
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
            InnerVisualQa.Dispose();
        }
    }
}

namespace Multimodal.Sdk;

/// <summary>
/// Passes every call to an inner <see cref="IVideoQa"/>: derive from it to add caching, logging, telemetry or
/// batching around any video QA pipeline.
/// </summary>
/// <remarks>Safe for concurrent use when the inner pipeline is and the derived class adds no unsynchronized state.</remarks>
public class DelegatingVideoQa : IVideoQa
{
    /// <summary>Wraps a pipeline.</summary>
    /// <param name="innerVideoQa">The pipeline calls go to.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerVideoQa"/> is <see langword="null"/>.</exception>
    protected DelegatingVideoQa(IVideoQa innerVideoQa)
    {
        ArgumentNullException.ThrowIfNull(innerVideoQa);
        InnerVideoQa = innerVideoQa;
    }

    /// <summary>Gets the pipeline calls go to.</summary>
    protected IVideoQa InnerVideoQa { get; }

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<VisualQaResult>> AnswerAsync(string path, IReadOnlyList<string> questions, VisualQaOptions? options = null, CancellationToken cancellationToken = default) =>
        InnerVideoQa.AnswerAsync(path, questions, options, cancellationToken);

    /// <inheritdoc/>
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : InnerVideoQa.GetService(serviceType, serviceKey);
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
            InnerVideoQa.Dispose();
        }
    }
}

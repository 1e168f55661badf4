namespace Multimodal.Sdk;

/// <summary>
/// A store that passes every call to an inner store: derive from it to add logging, caching or telemetry around any
/// <see cref="IRetrievalStore"/>.
/// </summary>
/// <remarks>As safe for concurrent use as the inner store and the overrides.</remarks>
public class DelegatingRetrievalStore : IRetrievalStore
{
    /// <summary>Wraps a store.</summary>
    /// <param name="innerStore">The store calls go to; disposed with this one.</param>
    protected DelegatingRetrievalStore(IRetrievalStore innerStore)
    {
        ArgumentNullException.ThrowIfNull(innerStore);
        InnerStore = innerStore;
    }

    /// <summary>Gets the store calls go to.</summary>
    protected IRetrievalStore InnerStore { get; }

    /// <inheritdoc/>
    public virtual Task UpsertAsync(IReadOnlyList<RetrievalRecord> records, CancellationToken cancellationToken = default) => InnerStore.UpsertAsync(records, cancellationToken);

    /// <inheritdoc/>
    public virtual Task<int> DeleteAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken = default) => InnerStore.DeleteAsync(ids, cancellationToken);

    /// <inheritdoc/>
    public virtual Task<RetrievalRecord?> GetAsync(string id, CancellationToken cancellationToken = default) => InnerStore.GetAsync(id, cancellationToken);

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<RetrievalRecord>> GetAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default) => InnerStore.GetAsync(ids, cancellationToken);

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<RetrievalRecord>> GetByContentHashAsync(IReadOnlyCollection<string> contentHashes, CancellationToken cancellationToken = default) => InnerStore.GetByContentHashAsync(contentHashes, cancellationToken);

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<RetrievalHit>> SearchAsync(ReadOnlyMemory<float> query, RetrievalSearchOptions? options = null, CancellationToken cancellationToken = default) => InnerStore.SearchAsync(query, options, cancellationToken);

    /// <inheritdoc/>
    public virtual Task<long> CountAsync(CancellationToken cancellationToken = default) => InnerStore.CountAsync(cancellationToken);

    /// <inheritdoc/>
    public virtual Task FlushAsync(CancellationToken cancellationToken = default) => InnerStore.FlushAsync(cancellationToken);

    /// <inheritdoc/>
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : InnerStore.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the inner store.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            InnerStore.Dispose();
        }
    }
}

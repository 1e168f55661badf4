namespace Multimodal.Sdk.Retrieval.Postgres.Tests;

/// <summary>Counts the reads that reach the store underneath (each one query on PostgreSQL).</summary>
internal sealed class CountingRetrievalStore(IRetrievalStore inner) : DelegatingRetrievalStore(inner)
{
    public int SingleGets { get; private set; }

    public int BatchGets { get; private set; }

    public int Searches { get; private set; }

    public void Reset() => (SingleGets, BatchGets, Searches) = (0, 0, 0);

    public override Task<RetrievalRecord?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        SingleGets++;
        return base.GetAsync(id, cancellationToken);
    }

    public override Task<IReadOnlyList<RetrievalRecord>> GetAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        BatchGets++;
        return base.GetAsync(ids, cancellationToken);
    }

    public override Task<IReadOnlyList<RetrievalHit>> SearchAsync(ReadOnlyMemory<float> query, RetrievalSearchOptions? options = null, CancellationToken cancellationToken = default)
    {
        Searches++;
        return base.SearchAsync(query, options, cancellationToken);
    }
}

/// <summary>
/// A store written before <see cref="IRetrievalStore.GetAsync(IReadOnlyCollection{string}, CancellationToken)"/> existed:
/// it implements every other member and gets the interface's default, one <c>GetAsync(id)</c> per id.
/// </summary>
internal sealed class StoreWithoutBatchGet(IRetrievalStore inner) : IRetrievalStore
{
    public Task UpsertAsync(IReadOnlyList<RetrievalRecord> records, CancellationToken cancellationToken = default) => inner.UpsertAsync(records, cancellationToken);

    public Task<int> DeleteAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken = default) => inner.DeleteAsync(ids, cancellationToken);

    public Task<RetrievalRecord?> GetAsync(string id, CancellationToken cancellationToken = default) => inner.GetAsync(id, cancellationToken);

    public Task<IReadOnlyList<RetrievalRecord>> GetByContentHashAsync(IReadOnlyCollection<string> contentHashes, CancellationToken cancellationToken = default) => inner.GetByContentHashAsync(contentHashes, cancellationToken);

    public Task<IReadOnlyList<RetrievalHit>> SearchAsync(ReadOnlyMemory<float> query, RetrievalSearchOptions? options = null, CancellationToken cancellationToken = default) => inner.SearchAsync(query, options, cancellationToken);

    public Task<long> CountAsync(CancellationToken cancellationToken = default) => inner.CountAsync(cancellationToken);

    public Task FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

    public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

    public void Dispose() => inner.Dispose();
}

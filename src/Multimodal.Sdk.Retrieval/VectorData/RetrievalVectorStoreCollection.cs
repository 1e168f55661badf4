using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace Multimodal.Sdk;

/// <summary>
/// Any <see cref="IRetrievalStore"/> (the embedded store, PostgreSQL) as a Microsoft.Extensions.VectorData
/// <see cref="VectorStoreCollection{TKey, TRecord}"/> of <see cref="RetrievalVectorRecord"/>, so code written against
/// VectorData reads, writes and searches it.
/// </summary>
/// <remarks>
/// <para>Search input is a <c>ReadOnlyMemory&lt;float&gt;</c>, <c>float[]</c> or <c>Embedding&lt;float&gt;</c>; scores
/// are cosine similarities (higher is closer). Search filters: equality on <c>Modality</c> (<c>r =&gt; r.Modality == "image"</c>).
/// <c>GetAsync(filter, top)</c> needs an equality on <c>ContentHash</c> or <c>Id</c>, optionally with more equalities.
/// Other filters throw <see cref="NotSupportedException"/>, and so does <see cref="EnsureCollectionDeletedAsync"/>
/// (a retrieval store deletes by id).</para>
/// <para>As safe for concurrent use as the store (the SDK's stores are).</para>
/// </remarks>
public sealed class RetrievalVectorStoreCollection : VectorStoreCollection<string, RetrievalVectorRecord>
{
    private readonly IRetrievalStore _store;
    private readonly bool _ownsStore;

    /// <summary>Wraps a store.</summary>
    /// <param name="store">The store.</param>
    /// <param name="name">The collection's name (default <c>default</c>).</param>
    /// <param name="ownsStore">Whether disposing the collection disposes the store.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public RetrievalVectorStoreCollection(IRetrievalStore store, string name = "default", bool ownsStore = false)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _store = store;
        Name = name;
        _ownsStore = ownsStore;
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <summary>Gets the store the collection reads and writes.</summary>
    public IRetrievalStore Store => _store;

    /// <summary>Returns <see langword="true"/>: the store exists once opened.</summary>
    /// <param name="cancellationToken">Unused.</param>
    /// <returns><see langword="true"/>.</returns>
    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default) => Task.FromResult(true);

    /// <summary>Does nothing: the store exists once opened (PostgreSQL creates its table on first write).</summary>
    /// <param name="cancellationToken">Unused.</param>
    /// <returns>A completed task.</returns>
    public override Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>Not supported: a retrieval store deletes records by id.</summary>
    /// <param name="cancellationToken">Unused.</param>
    /// <returns>Never returns.</returns>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{nameof(RetrievalVectorStoreCollection)} cannot delete its store; delete records by id, or drop the store itself.");

    /// <inheritdoc/>
    public override async Task<RetrievalVectorRecord?> GetAsync(string key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var record = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return record is null ? null : RetrievalVectorRecord.FromRecord(record, options?.IncludeVectors ?? false);
    }

    /// <inheritdoc/>
    /// <remarks>One call to the store (<see cref="IRetrievalStore.GetAsync(IReadOnlyCollection{string}, CancellationToken)"/>), in the order of <paramref name="keys"/>.</remarks>
    public override async IAsyncEnumerable<RetrievalVectorRecord> GetAsync(IEnumerable<string> keys, RecordRetrievalOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var ordered = keys.Distinct(StringComparer.Ordinal).ToList();
        var found = (await _store.GetAsync(ordered, cancellationToken).ConfigureAwait(false)).ToDictionary(r => r.Id, StringComparer.Ordinal);
        foreach (string key in ordered)
        {
            if (found.TryGetValue(key, out var record))
            {
                yield return RetrievalVectorRecord.FromRecord(record, options?.IncludeVectors ?? false);
            }
        }
    }

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">The filter is not an equality on <c>ContentHash</c> or <c>Id</c> (with optional further equalities).</exception>
    public override async IAsyncEnumerable<RetrievalVectorRecord> GetAsync(Expression<Func<RetrievalVectorRecord, bool>> filter, int top, FilteredRecordRetrievalOptions<RetrievalVectorRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        var equalities = RetrievalVectorFilter.Translate(filter);
        IReadOnlyList<RetrievalRecord> candidates;
        if (equalities.TryGetValue(nameof(RetrievalVectorRecord.ContentHash), out var hash))
        {
            candidates = await _store.GetByContentHashAsync([hash], cancellationToken).ConfigureAwait(false);
        }
        else if (equalities.TryGetValue(nameof(RetrievalVectorRecord.Id), out var id))
        {
            candidates = await _store.GetAsync(id, cancellationToken).ConfigureAwait(false) is { } one ? [one] : [];
        }
        else
        {
            throw new NotSupportedException($"{nameof(RetrievalVectorStoreCollection)}.GetAsync(filter) needs an equality on {nameof(RetrievalVectorRecord.ContentHash)} or {nameof(RetrievalVectorRecord.Id)}; use SearchAsync to rank the whole store.");
        }

        int skip = options?.Skip ?? 0;
        foreach (var record in candidates.Where(r => RetrievalVectorFilter.Matches(r, equalities)).OrderBy(r => r.Id, StringComparer.Ordinal).Skip(skip).Take(top))
        {
            yield return RetrievalVectorRecord.FromRecord(record, options?.IncludeVectors ?? false);
        }
    }

    /// <inheritdoc/>
    public override async Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await _store.DeleteAsync([key], cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task DeleteAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        await _store.DeleteAsync(keys.ToList(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The record's modality, metadata or embedding is invalid for the store.</exception>
    public override Task UpsertAsync(RetrievalVectorRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return _store.UpsertAsync([record.ToRecord()], cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A record's modality, metadata or embedding is invalid for the store, or two share an id.</exception>
    public override Task UpsertAsync(IEnumerable<RetrievalVectorRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        return _store.UpsertAsync(records.Select(r => r.ToRecord()).ToList(), cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">The input is not a float vector, or the filter is not a modality equality.</exception>
    public override async IAsyncEnumerable<VectorSearchResult<RetrievalVectorRecord>> SearchAsync<TInput>(TInput searchValue, int top, VectorSearchOptions<RetrievalVectorRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        ReadOnlyMemory<float> query = searchValue switch
        {
            ReadOnlyMemory<float> m => m,
            float[] a => a,
            Embedding<float> e => e.Vector,
            _ => throw new NotSupportedException($"Search input of type {typeof(TInput).Name} is not supported: pass ReadOnlyMemory<float>, float[] or Embedding<float> (embed texts and images with the CLIP encoder first)."),
        };
        options ??= new VectorSearchOptions<RetrievalVectorRecord>();
        var equalities = RetrievalVectorFilter.Translate(options.Filter);
        var searchOptions = new RetrievalSearchOptions { Top = top + options.Skip };
        foreach (var (property, value) in equalities)
        {
            if (property != nameof(RetrievalVectorRecord.Modality))
            {
                throw new NotSupportedException($"Search filters on {property} are not supported; filter on {nameof(RetrievalVectorRecord.Modality)}.");
            }

            searchOptions.Modality = RetrievalVectorRecord.ParseModality(value);
        }

        var hits = await _store.SearchAsync(query, searchOptions, cancellationToken).ConfigureAwait(false);
        foreach (var hit in hits.Skip(options.Skip))
        {
            if (options.ScoreThreshold is { } threshold && hit.Score < threshold)
            {
                yield break;
            }

            yield return new VectorSearchResult<RetrievalVectorRecord>(RetrievalVectorRecord.FromRecord(hit.Record, options.IncludeVectors), hit.Score);
        }
    }

    /// <inheritdoc/>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(VectorStoreCollectionMetadata))
        {
            string kind = (_store.GetService(typeof(RetrievalStoreInfo)) as RetrievalStoreInfo)?.Kind ?? "retrieval";
            return new VectorStoreCollectionMetadata { VectorStoreSystemName = "multimodal-sdk-" + kind, CollectionName = Name };
        }

        return serviceType.IsInstanceOfType(this) ? this : _store.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsStore)
        {
            _store.Dispose();
        }

        base.Dispose(disposing);
    }
}

using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.VectorData;

namespace Multimodal.Sdk;

/// <summary>
/// Retrieval stores as a Microsoft.Extensions.VectorData <see cref="VectorStore"/>: each collection name opens one
/// <see cref="IRetrievalStore"/> through a factory (an embedded folder per name, a PostgreSQL table per name), exposed as
/// a <see cref="RetrievalVectorStoreCollection"/>.
/// </summary>
/// <example>
/// <code>
/// using var store = new RetrievalVectorStore(name => EmbeddedRetrievalStore.Open(Path.Combine(root, name)));
/// var photos = store.GetCollection&lt;string, RetrievalVectorRecord&gt;("photos");
/// await foreach (var hit in photos.SearchAsync(queryEmbedding, top: 5)) { ... }
/// </code>
/// </example>
/// <remarks>
/// Collections are typed <c>&lt;string, RetrievalVectorRecord&gt;</c>. A collection's store is opened on first use and
/// disposed with this object; <see cref="ListCollectionNamesAsync"/> lists the collections opened through it. Safe for
/// concurrent use.
/// </remarks>
public sealed class RetrievalVectorStore : VectorStore
{
    private readonly Func<string, IRetrievalStore> _open;
    private readonly ConcurrentDictionary<string, Lazy<RetrievalVectorStoreCollection>> _collections = new(StringComparer.Ordinal);

    /// <summary>Creates a vector store whose collections are the stores a factory opens.</summary>
    /// <param name="openCollection">Opens (or creates) the store of a collection name; called once per name.</param>
    /// <exception cref="ArgumentNullException"><paramref name="openCollection"/> is <see langword="null"/>.</exception>
    public RetrievalVectorStore(Func<string, IRetrievalStore> openCollection)
    {
        ArgumentNullException.ThrowIfNull(openCollection);
        _open = openCollection;
    }

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException"><typeparamref name="TKey"/> is not <see cref="string"/> or <typeparamref name="TRecord"/> is not <see cref="RetrievalVectorRecord"/>.</exception>
    public override VectorStoreCollection<TKey, TRecord> GetCollection<TKey, TRecord>(string name, VectorStoreCollectionDefinition? definition = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (typeof(TKey) != typeof(string) || typeof(TRecord) != typeof(RetrievalVectorRecord))
        {
            throw new NotSupportedException($"{nameof(RetrievalVectorStore)} holds collections of <string, {nameof(RetrievalVectorRecord)}>, not <{typeof(TKey).Name}, {typeof(TRecord).Name}>.");
        }

        return (VectorStoreCollection<TKey, TRecord>)(object)Collection(name);
    }

    /// <summary>Not supported: retrieval records have one fixed shape, <see cref="RetrievalVectorRecord"/>.</summary>
    /// <param name="name">Unused.</param>
    /// <param name="definition">Unused.</param>
    /// <returns>Never returns.</returns>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override VectorStoreCollection<object, Dictionary<string, object?>> GetDynamicCollection(string name, VectorStoreCollectionDefinition definition) =>
        throw new NotSupportedException($"{nameof(RetrievalVectorStore)} has no dynamic collections; use GetCollection<string, {nameof(RetrievalVectorRecord)}>.");

    /// <summary>Lists the collections opened through this vector store.</summary>
    /// <param name="cancellationToken">Unused.</param>
    /// <returns>The names, in ordinal order.</returns>
    public override async IAsyncEnumerable<string> ListCollectionNamesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (string name in _collections.Keys.Order(StringComparer.Ordinal))
        {
            yield return name;
        }
    }

    /// <summary>Tells whether a collection was opened through this vector store.</summary>
    /// <param name="name">The name.</param>
    /// <param name="cancellationToken">Unused.</param>
    /// <returns>Whether it is open.</returns>
    public override Task<bool> CollectionExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Task.FromResult(_collections.ContainsKey(name));
    }

    /// <summary>Not supported: a retrieval store deletes records by id.</summary>
    /// <param name="name">Unused.</param>
    /// <param name="cancellationToken">Unused.</param>
    /// <returns>Never returns.</returns>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override Task EnsureCollectionDeletedAsync(string name, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{nameof(RetrievalVectorStore)} cannot delete a store; delete records by id, or drop the store itself.");

    /// <inheritdoc/>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(VectorStoreMetadata))
        {
            return new VectorStoreMetadata { VectorStoreSystemName = "multimodal-sdk" };
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var collection in _collections.Values.Where(c => c.IsValueCreated))
            {
                collection.Value.Dispose();
            }

            _collections.Clear();
        }

        base.Dispose(disposing);
    }

    private RetrievalVectorStoreCollection Collection(string name) =>
        _collections.GetOrAdd(name, n => new Lazy<RetrievalVectorStoreCollection>(() => new RetrievalVectorStoreCollection(_open(n), n, ownsStore: true))).Value;
}

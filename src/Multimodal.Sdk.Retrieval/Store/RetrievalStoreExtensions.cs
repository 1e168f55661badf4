namespace Multimodal.Sdk;

/// <summary>Convenience operations over any <see cref="IRetrievalStore"/>.</summary>
public static class RetrievalStoreExtensions
{
    /// <summary>Adds or replaces one record.</summary>
    /// <param name="store">The store.</param>
    /// <param name="record">The record.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when the record is acknowledged.</returns>
    public static Task UpsertAsync(this IRetrievalStore store, RetrievalRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(record);
        return store.UpsertAsync([record], cancellationToken);
    }

    /// <summary>Gets the store's <see cref="RetrievalStoreInfo"/>.</summary>
    /// <param name="store">The store.</param>
    /// <returns>The facts.</returns>
    /// <exception cref="InvalidOperationException">The store does not offer them.</exception>
    public static RetrievalStoreInfo GetInfo(this IRetrievalStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.GetService(typeof(RetrievalStoreInfo)) as RetrievalStoreInfo
            ?? throw new InvalidOperationException($"{store.GetType().Name} does not offer {nameof(RetrievalStoreInfo)}.");
    }
}

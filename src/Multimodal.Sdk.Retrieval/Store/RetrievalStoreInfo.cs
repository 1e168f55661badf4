namespace Multimodal.Sdk;

/// <summary>Facts about a store, offered through <see cref="IRetrievalStore.GetService"/>.</summary>
/// <param name="Kind">The store's kind, such as <c>embedded</c> or <c>postgres</c>.</param>
/// <param name="Location">The folder or the server (without credentials).</param>
/// <param name="Dimension">The embedding length, or 0 while the store is empty and has none yet.</param>
/// <param name="Count">The number of records.</param>
/// <param name="SearchMode">How searches currently run, such as <c>exact</c>, <c>exact-int8</c> or <c>hnsw</c>.</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record RetrievalStoreInfo(string Kind, string Location, int Dimension, long Count, string SearchMode);

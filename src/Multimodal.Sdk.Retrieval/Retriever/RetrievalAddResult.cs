namespace Multimodal.Sdk;

/// <summary>What adding an item did.</summary>
public enum RetrievalAddStatus
{
    /// <summary>A new record was stored.</summary>
    Added = 0,

    /// <summary>A record with the item's id existed and was replaced (new content, source or metadata).</summary>
    Updated = 1,

    /// <summary>The same content was already stored (same content hash): nothing was embedded or written.</summary>
    Unchanged = 2,
}

/// <summary>The outcome of adding one item.</summary>
/// <param name="Id">The record's id (for <see cref="RetrievalAddStatus.Unchanged"/>, the id already stored).</param>
/// <param name="Status">What happened.</param>
/// <param name="ContentHash">The item's content hash.</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record RetrievalAddResult(string Id, RetrievalAddStatus Status, string ContentHash);

/// <summary>Progress of an ingest: how many items are done out of how many.</summary>
/// <param name="Completed">Items done (added, updated or found unchanged).</param>
/// <param name="Total">Items in the call.</param>
/// <param name="Source">The source of the last item done.</param>
public readonly record struct RetrievalProgress(int Completed, int Total, string Source);

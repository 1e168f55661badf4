using Microsoft.Extensions.AI;

namespace Multimodal.Sdk;

/// <summary>
/// The index behind <c>POST /search</c>: nearest neighbours of a CLIP query embedding. The server embeds the query (text
/// or image) with its <see cref="IClipEncoder"/>; the index only ranks. Register one in DI to enable the endpoint; an
/// adapter over Multimodal.Sdk.Retrieval's stores, or any vector database, fits here.
/// </summary>
/// <remarks>Implementations must be safe for concurrent use: the server calls them from concurrent requests.</remarks>
public interface IServerSearchIndex
{
    /// <summary>Finds the entries nearest to a query embedding.</summary>
    /// <param name="query">The query, embedded by the served CLIP model (L2-normalized).</param>
    /// <param name="top">How many hits to return at most.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The hits, best first.</returns>
    Task<IReadOnlyList<ServerSearchHit>> SearchAsync(Embedding<float> query, int top, CancellationToken cancellationToken = default);
}

/// <summary>One hit of <see cref="IServerSearchIndex.SearchAsync"/>.</summary>
/// <param name="Id">The entry's id (a file name, a document key).</param>
/// <param name="Score">The similarity to the query (cosine for CLIP; higher is nearer).</param>
/// <param name="Metadata">Fields shown with the hit, or <see langword="null"/>.</param>
public sealed record ServerSearchHit(string Id, float Score, IReadOnlyDictionary<string, string>? Metadata = null);

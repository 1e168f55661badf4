using System.Text.Json;

namespace Multimodal.Sdk;

/// <summary>
/// One indexed item as a store keeps it: its id, modality, source, content hash, optional JSON metadata and its
/// embedding. This is the unit every <see cref="IRetrievalStore"/> persists.
/// </summary>
/// <remarks>Immutable as long as the caller does not change the embedding memory it passed in; safe to share between threads.</remarks>
public sealed class RetrievalRecord
{
    /// <summary>Creates a record.</summary>
    /// <param name="id">The caller's or the retriever's id; unique in a store.</param>
    /// <param name="modality">What the item is.</param>
    /// <param name="source">Where it came from: the file path for files, the text itself for texts, a caller-chosen name for streams.</param>
    /// <param name="contentHash">The content hash (<see cref="RetrievalContentHash"/>): the same content gets the same hash, so re-adding it does not duplicate it.</param>
    /// <param name="embedding">The embedding; stores compare it by cosine similarity.</param>
    /// <param name="metadata">Optional caller metadata, a JSON value (usually an object).</param>
    /// <exception cref="ArgumentException"><paramref name="id"/> or <paramref name="contentHash"/> is empty, or <paramref name="embedding"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    public RetrievalRecord(string id, RetrievalModality modality, string source, string contentHash, ReadOnlyMemory<float> embedding, JsonElement? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrEmpty(contentHash);
        if (embedding.IsEmpty)
        {
            throw new ArgumentException("A record needs a non-empty embedding.", nameof(embedding));
        }

        Id = id;
        Modality = modality;
        Source = source;
        ContentHash = contentHash;
        Embedding = embedding;
        Metadata = metadata is { ValueKind: JsonValueKind.Undefined } ? null : metadata?.Clone();
    }

    /// <summary>Gets the id, unique in a store.</summary>
    public string Id { get; }

    /// <summary>Gets what the item is.</summary>
    public RetrievalModality Modality { get; }

    /// <summary>Gets where the item came from: the file path for files, the text itself for texts.</summary>
    public string Source { get; }

    /// <summary>Gets the content hash (lowercase hex SHA-256, see <see cref="RetrievalContentHash"/>).</summary>
    public string ContentHash { get; }

    /// <summary>Gets the caller's metadata, or <see langword="null"/>.</summary>
    public JsonElement? Metadata { get; }

    /// <summary>Gets the embedding. Stores return it L2-normalized.</summary>
    public ReadOnlyMemory<float> Embedding { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Id} ({Modality}, {Source})";
}

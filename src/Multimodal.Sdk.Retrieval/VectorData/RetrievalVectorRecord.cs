using System.Text;
using System.Text.Json;
using Microsoft.Extensions.VectorData;

namespace Multimodal.Sdk;

/// <summary>
/// A retrieval record in the shape Microsoft.Extensions.VectorData works with: plain properties a vector database
/// connector maps to columns (modality as <c>image</c> / <c>text</c> / <c>audio</c>, metadata as JSON text) and one
/// cosine-similarity vector. <see cref="RetrievalVectorStoreCollection"/> exposes any <see cref="IRetrievalStore"/> in
/// this shape, and <see cref="VectorDataRetrievalStore"/> runs the retriever over any collection of it.
/// </summary>
/// <remarks>
/// The attributes declare 512 dimensions (CLIP ViT-B); for another size pass <see cref="CreateDefinition"/> to the
/// connector's <c>GetCollection</c>. Not safe for concurrent mutation.
/// </remarks>
public sealed class RetrievalVectorRecord
{
    /// <summary>Gets or sets the id, unique in a collection.</summary>
    [VectorStoreKey]
    public string Id { get; set; } = string.Empty;

    /// <summary>Gets or sets what the item is: <c>image</c>, <c>text</c> or <c>audio</c>.</summary>
    [VectorStoreData(IsIndexed = true)]
    public string Modality { get; set; } = "text";

    /// <summary>Gets or sets where the item came from: the file path for files, the text itself for texts.</summary>
    [VectorStoreData]
    public string Source { get; set; } = string.Empty;

    /// <summary>Gets or sets the content hash (<see cref="RetrievalContentHash"/>); empty lets the store hash the modality and source.</summary>
    [VectorStoreData(IsIndexed = true)]
    public string ContentHash { get; set; } = string.Empty;

    /// <summary>Gets or sets the caller's metadata as JSON text, or <see langword="null"/>.</summary>
    [VectorStoreData]
    public string? Metadata { get; set; }

    /// <summary>Gets or sets the embedding, compared by cosine similarity.</summary>
    [VectorStoreVector(512, DistanceFunction = DistanceFunction.CosineSimilarity)]
    public ReadOnlyMemory<float> Embedding { get; set; }

    /// <summary>Describes this record shape with another vector size, for connectors' <c>GetCollection(name, definition)</c>.</summary>
    /// <param name="dimensions">The embedding length.</param>
    /// <returns>The definition: key <c>Id</c>, indexed <c>Modality</c> and <c>ContentHash</c>, data <c>Source</c> and <c>Metadata</c>, cosine vector <c>Embedding</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimensions"/> is less than 1.</exception>
    public static VectorStoreCollectionDefinition CreateDefinition(int dimensions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        return new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty(nameof(Id), typeof(string)),
                new VectorStoreDataProperty(nameof(Modality), typeof(string)) { IsIndexed = true },
                new VectorStoreDataProperty(nameof(Source), typeof(string)),
                new VectorStoreDataProperty(nameof(ContentHash), typeof(string)) { IsIndexed = true },
                new VectorStoreDataProperty(nameof(Metadata), typeof(string)),
                new VectorStoreVectorProperty(nameof(Embedding), typeof(ReadOnlyMemory<float>), dimensions) { DistanceFunction = DistanceFunction.CosineSimilarity },
            ],
        };
    }

    /// <summary>Converts a store record.</summary>
    /// <param name="record">The record.</param>
    /// <param name="includeVector">Whether to copy the embedding.</param>
    /// <returns>The VectorData shape of it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is <see langword="null"/>.</exception>
    public static RetrievalVectorRecord FromRecord(RetrievalRecord record, bool includeVector = true)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new RetrievalVectorRecord
        {
            Id = record.Id,
            Modality = ModalityName(record.Modality),
            Source = record.Source,
            ContentHash = record.ContentHash,
            Metadata = record.Metadata?.GetRawText(),
            Embedding = includeVector ? record.Embedding : default,
        };
    }

    /// <summary>Converts to a store record.</summary>
    /// <returns>The record.</returns>
    /// <exception cref="ArgumentException">The id or embedding is empty, the modality is unknown, or the metadata is not JSON.</exception>
    public RetrievalRecord ToRecord()
    {
        var modality = ParseModality(Modality);
        string hash = string.IsNullOrEmpty(ContentHash) ? RetrievalContentHash.Compute(modality, Encoding.UTF8.GetBytes(Source ?? string.Empty)) : ContentHash;
        JsonElement? metadata = null;
        if (Metadata is not null)
        {
            try
            {
                using var doc = JsonDocument.Parse(Metadata);
                metadata = doc.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new ArgumentException($"The metadata of record '{Id}' is not JSON: {e.Message}", nameof(Metadata), e);
            }
        }

        return new RetrievalRecord(Id, modality, Source ?? string.Empty, hash, Embedding, metadata);
    }

    internal static string ModalityName(RetrievalModality modality) => modality switch
    {
        RetrievalModality.Image => "image",
        RetrievalModality.Audio => "audio",
        _ => "text",
    };

    internal static RetrievalModality ParseModality(string? name) => name?.ToLowerInvariant() switch
    {
        "image" => RetrievalModality.Image,
        "text" => RetrievalModality.Text,
        "audio" => RetrievalModality.Audio,
        _ => throw new ArgumentException($"'{name}' is not a modality (image, text or audio).", nameof(name)),
    };
}

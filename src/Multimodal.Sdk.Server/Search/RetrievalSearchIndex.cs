using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Multimodal.Sdk;

/// <summary>
/// <c>POST /search</c> over a Multimodal.Sdk.Retrieval store (the embedded folder index or PostgreSQL): used when the
/// container has an <see cref="IRetrievalStore"/> (<c>AddRetrievalIndex(dir)</c>, <c>AddPostgresRetrievalStore(...)</c>)
/// and no <see cref="IServerSearchIndex"/> of its own. Each hit carries the record's modality, source and its
/// metadata's top-level string fields.
/// </summary>
/// <remarks>Safe for concurrent use, as the stores are.</remarks>
internal sealed class RetrievalSearchIndex(IRetrievalStore store) : IServerSearchIndex
{
    public async Task<IReadOnlyList<ServerSearchHit>> SearchAsync(Embedding<float> query, int top, CancellationToken cancellationToken = default)
    {
        var hits = await store.SearchAsync(query.Vector, new RetrievalSearchOptions { Top = top }, cancellationToken).ConfigureAwait(false);
        return [.. hits.Select(h => new ServerSearchHit(h.Record.Id, h.Score, Describe(h.Record)))];
    }

    private static Dictionary<string, string> Describe(RetrievalRecord record)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (record.Metadata is { ValueKind: JsonValueKind.Object } metadata)
        {
            foreach (var property in metadata.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
            {
                fields[property.Name] = property.Value.GetString()!;
            }
        }

        fields["modality"] = record.Modality.ToString().ToLowerInvariant();
        fields["source"] = record.Source;
        return fields;
    }
}

using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using Multimodal.Sdk;

namespace Multimodal.Server;

/// <summary>
/// The sample's search index: every image of one folder embedded with CLIP on the first search, ranked by cosine
/// similarity in memory. A stand-in for Multimodal.Sdk.Retrieval's stores, which plug into the same interface.
/// </summary>
/// <remarks>Safe for concurrent use: the first searches wait for one shared embedding pass.</remarks>
internal sealed class FolderSearchIndex(string folder, IClipEncoder clip) : IServerSearchIndex
{
    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif"];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Id, float[] Vector)[]? _entries;

    public async Task<IReadOnlyList<ServerSearchHit>> SearchAsync(Embedding<float> query, int top, CancellationToken cancellationToken = default)
    {
        var entries = _entries ?? await LoadAsync(cancellationToken).ConfigureAwait(false);
        return entries
            .Select(e => new ServerSearchHit(e.Id, TensorPrimitives.CosineSimilarity(query.Vector.Span, e.Vector), new Dictionary<string, string> { ["kind"] = "image" }))
            .OrderByDescending(h => h.Score)
            .Take(top)
            .ToList();
    }

    private async Task<(string Id, float[] Vector)[]> LoadAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_entries is { } loaded)
            {
                return loaded;
            }

            var files = Directory.EnumerateFiles(folder)
                .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .Order(StringComparer.Ordinal)
                .ToList();
            var embedded = files.Count == 0 ? [] : await clip.EmbedImagesAsync(files.Select(ImageData.FromFile).ToList(), cancellationToken).ConfigureAwait(false);
            return _entries = [.. files.Select((f, i) => (Path.GetFileName(f), embedded[i].Vector.ToArray()))];
        }
        finally
        {
            _gate.Release();
        }
    }
}

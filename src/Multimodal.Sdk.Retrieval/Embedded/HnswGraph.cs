using Cloud.Unum.USearch;

namespace Multimodal.Sdk;

/// <summary>
/// The approximate index over the first <see cref="Rows"/> rows of a snapshot: a USearch HNSW graph (cosine metric,
/// keys = row numbers), viewed memory-mapped when opened from disk. Searches are serialized on one graph: the native
/// search keeps per-thread scratch that the C# binding does not expose.
/// </summary>
internal sealed class HnswGraph : IDisposable
{
    private readonly USearchIndex _index;
    private readonly Lock _gate = new();

    private HnswGraph(USearchIndex index, int rows)
    {
        _index = index;
        Rows = rows;
    }

    /// <summary>Gets how many leading rows the graph covers (deleted ones included, filtered at search).</summary>
    public int Rows { get; }

    public static HnswGraph View(string path, int rows) => new(new USearchIndex(path, true), rows);

    /// <summary>Builds (or extends a copy of <paramref name="previous"/>) over rows [from, to) and saves it to <paramref name="path"/>.</summary>
    public static HnswGraph Build(string path, string? previous, int dim, EmbeddedRetrievalStoreOptions options, int from, int to, Func<int, ReadOnlyMemory<float>?> vectorOfLiveRow)
    {
        using var index = previous is null
            ? new USearchIndex(MetricKind.Cos, ScalarKind.Float32, (ulong)dim, (ulong)options.HnswConnectivity, (ulong)options.HnswExpansionAdd, (ulong)options.HnswExpansionSearch)
            : new USearchIndex(previous, false);
        var buffer = new float[dim];
        for (int row = from; row < to; row++)
        {
            if (vectorOfLiveRow(row) is { } v)
            {
                v.Span.CopyTo(buffer);
                index.Add((ulong)row, buffer);
            }
        }

        string temp = path + ".tmp";
        index.Save(temp);
        using (var stream = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete))
        {
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        return View(path, to);
    }

    public int Search(float[] query, int k, out ulong[] keys)
    {
        lock (_gate)
        {
            int found = _index.Search(query, k, out keys, out _);
            return found;
        }
    }

    public void Dispose() => _index.Dispose();
}

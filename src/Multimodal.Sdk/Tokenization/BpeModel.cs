using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Multimodal.Sdk;

/// <summary>Settings of a BPE model, as tokenizer.json's <c>model</c> section writes them.</summary>
internal sealed record BpeOptions
{
    public string? UnknownToken { get; init; }

    public string? ContinuingSubwordPrefix { get; init; }

    public string? EndOfWordSuffix { get; init; }

    public bool FuseUnknown { get; init; }

    public bool ByteFallback { get; init; }

    public bool IgnoreMerges { get; init; }
}

/// <summary>
/// Byte-pair encoding: a word starts as its characters (with the continuing-subword prefix on all but the first and
/// the end-of-word suffix on the last), then the adjacent pair of lowest merge rank is merged, leftmost first, until
/// no pair has a rank. Results are cached per word, since real text repeats its words.
/// </summary>
internal sealed class BpeModel : ITokenizerModel
{
    private const int CacheCapacity = 10_000;

    private readonly Vocabulary _vocab;
    private readonly Dictionary<long, (int Rank, int NewId)> _merges;
    private readonly BpeOptions _options;
    private readonly int? _unkId;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private int _cacheCount;

    public BpeModel(Vocabulary vocab, IReadOnlyList<(string Left, string Right)> merges, BpeOptions options)
    {
        _vocab = vocab;
        _options = options;
        _unkId = options.UnknownToken is { } unk && vocab.TryGetId(unk, out int u) ? u : null;
        _merges = new Dictionary<long, (int, int)>(merges.Count);
        int prefixLength = options.ContinuingSubwordPrefix?.Length ?? 0;
        for (int rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = merges[rank];
            if (!vocab.TryGetId(left, out int a) || !vocab.TryGetId(right, out int b))
            {
                throw new FormatException($"merge {rank} ('{left}' '{right}') uses a token that is not in the vocabulary");
            }

            string merged = prefixLength > 0 && right.StartsWith(options.ContinuingSubwordPrefix!, StringComparison.Ordinal)
                ? left + right[prefixLength..]
                : left + right;
            if (!vocab.TryGetId(merged, out int id))
            {
                throw new FormatException($"merge {rank} ('{left}' '{right}') makes '{merged}', which is not in the vocabulary");
            }

            // Later duplicates win, as in the reference's map built from the list.
            _merges[Key(a, b)] = (rank, id);
        }
    }

    public int VocabSize => _vocab.Size;

    public Vocabulary Vocabulary => _vocab;

    public int? TokenToId(string token) => _vocab.TokenToId(token);

    public string? IdToToken(int id) => _vocab.IdToToken(id);

    public void Tokenize(string word, List<int> ids)
    {
        if (word.Length == 0)
        {
            return;
        }

        if (_cache.TryGetValue(word, out var cached))
        {
            ids.AddRange(cached);
            return;
        }

        if (_options.IgnoreMerges && _vocab.TryGetId(word, out int whole))
        {
            ids.Add(whole);
            return;
        }

        var result = Merge(InitialSymbols(word));
        if (Volatile.Read(ref _cacheCount) < CacheCapacity && _cache.TryAdd(word, result))
        {
            Interlocked.Increment(ref _cacheCount);
        }

        ids.AddRange(result);
    }

    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    private List<int> InitialSymbols(string word)
    {
        var symbols = new List<int>(word.Length);
        int? pendingUnk = null;
        string? prefix = _options.ContinuingSubwordPrefix;
        string? suffix = _options.EndOfWordSuffix;
        for (int i = 0; i < word.Length;)
        {
            UnicodeText.RuneAt(word, i, out int width);
            bool first = i == 0;
            bool last = i + width == word.Length;
            int id;
            bool found;
            string? s = null;
            if ((first || prefix is null) && (!last || suffix is null))
            {
                found = _vocab.TryGetId(word.AsSpan(i, width), out id);
            }
            else
            {
                s = string.Concat(first ? null : prefix, word.AsSpan(i, width), last ? suffix : null);
                found = _vocab.TryGetId(s, out id);
            }

            if (found)
            {
                if (pendingUnk is int u)
                {
                    symbols.Add(u);
                    pendingUnk = null;
                }

                symbols.Add(id);
            }
            else if (!(_options.ByteFallback && TryAddBytes(s ?? word.Substring(i, width), symbols, ref pendingUnk)) && _unkId is int unk)
            {
                // Consecutive unknown characters fuse into one unknown token when fuse_unk is set.
                if (pendingUnk is int p && !_options.FuseUnknown)
                {
                    symbols.Add(p);
                }

                pendingUnk = unk;
            }

            i += width;
        }

        if (pendingUnk is int trailing)
        {
            symbols.Add(trailing);
        }

        return symbols;
    }

    private bool TryAddBytes(string s, List<int> symbols, ref int? pendingUnk)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(s);
        var byteIds = new int[bytes.Length];
        for (int k = 0; k < bytes.Length; k++)
        {
            if (!_vocab.TryGetId(string.Create(CultureInfo.InvariantCulture, $"<0x{bytes[k]:X2}>"), out byteIds[k]))
            {
                return false;
            }
        }

        if (pendingUnk is int u)
        {
            symbols.Add(u);
            pendingUnk = null;
        }

        symbols.AddRange(byteIds);
        return true;
    }

    private int[] Merge(List<int> symbols)
    {
        int n = symbols.Count;
        if (n < 2)
        {
            return [.. symbols];
        }

        var ids = symbols.ToArray();
        var next = new int[n];
        var prev = new int[n];
        var alive = new bool[n];
        for (int i = 0; i < n; i++)
        {
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
            alive[i] = true;
        }

        // Lowest rank first, then leftmost: the order in which the reference applies merges.
        var queue = new PriorityQueue<(int Pos, int NewId), (int Rank, int Pos)>();
        for (int i = 0; i + 1 < n; i++)
        {
            if (_merges.TryGetValue(Key(ids[i], ids[i + 1]), out var m))
            {
                queue.Enqueue((i, m.NewId), (m.Rank, i));
            }
        }

        int count = n;
        while (queue.TryDequeue(out var top, out _))
        {
            int pos = top.Pos;
            int right = next[pos];
            if (!alive[pos] || right < 0)
            {
                continue;
            }

            // Entries go stale when a neighbour merged first; the pair must still make the same token.
            if (!_merges.TryGetValue(Key(ids[pos], ids[right]), out var current) || current.NewId != top.NewId)
            {
                continue;
            }

            ids[pos] = top.NewId;
            alive[right] = false;
            next[pos] = next[right];
            if (next[right] >= 0)
            {
                prev[next[right]] = pos;
            }

            count--;
            if (prev[pos] >= 0 && _merges.TryGetValue(Key(ids[prev[pos]], ids[pos]), out var before))
            {
                queue.Enqueue((prev[pos], before.NewId), (before.Rank, prev[pos]));
            }

            if (next[pos] >= 0 && _merges.TryGetValue(Key(ids[pos], ids[next[pos]]), out var after))
            {
                queue.Enqueue((pos, after.NewId), (after.Rank, pos));
            }
        }

        var result = new int[count];
        int k2 = 0;
        for (int i = 0; i >= 0; i = next[i])
        {
            result[k2++] = ids[i];
        }

        return result;
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Multimodal.Sdk;

/// <summary>
/// Unigram (SentencePiece): the segmentation of highest total log-probability (Viterbi over every vocabulary piece that
/// starts at each position); characters no piece covers cost the lowest score minus 10 and fuse into one unknown token.
/// </summary>
internal sealed class UnigramModel : ITokenizerModel
{
    private const double UnknownPenalty = 10.0;

    private readonly Vocabulary _vocab;
    private readonly double[] _scores;
    private readonly int _unkId;
    private readonly bool _byteFallback;
    private readonly int _maxPieceLength;
    private readonly double _unkScore;

    private UnigramModel(Dictionary<string, int> ids, double[] scores, int unkId, bool byteFallback)
    {
        _vocab = new Vocabulary(ids);
        _scores = scores;
        _unkId = unkId;
        _byteFallback = byteFallback;
        _maxPieceLength = ids.Keys.Select(k => k.Length).DefaultIfEmpty(1).Max();
        _unkScore = scores.DefaultIfEmpty(0).Min() - UnknownPenalty;
    }

    public int VocabSize => _vocab.Size;

    public int? TokenToId(string token) => _vocab.TokenToId(token);

    public string? IdToToken(int id) => _vocab.IdToToken(id);

    public static UnigramModel Read(JsonElement e)
    {
        if (!e.TryGetProperty("vocab", out var v) || v.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("a Unigram 'model.vocab' must be an array of [piece, score]");
        }

        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var scores = new double[v.GetArrayLength()];
        int i = 0;
        foreach (var item in v.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Array || item.GetArrayLength() != 2 || item[0].ValueKind != JsonValueKind.String || item[1].ValueKind != JsonValueKind.Number)
            {
                throw new FormatException($"Unigram vocabulary entry {i} must be [piece, score]");
            }

            // A piece listed twice keeps its last id, as the reference's map built from the list does.
            ids[item[0].GetString()!] = i;
            scores[i] = item[1].GetDouble();
            i++;
        }

        int unk = TokenizerJsonReader.Int(e, "unk_id", -1);
        if (unk < 0 || unk >= scores.Length)
        {
            throw new FormatException("a Unigram model needs 'unk_id' inside its vocabulary");
        }

        return new UnigramModel(ids, scores, unk, TokenizerJsonReader.Bool(e, "byte_fallback", false));
    }

    public void Tokenize(string word, List<int> ids)
    {
        int n = word.Length;
        if (n == 0)
        {
            return;
        }

        var bestScore = new double[n + 1];
        var bestStart = new int[n + 1];
        var bestId = new int[n + 1];
        Array.Fill(bestStart, -1);
        bestStart[0] = 0;
        for (int start = 0; start < n;)
        {
            UnicodeText.RuneAt(word, start, out int width);
            double baseScore = bestScore[start];
            bool coversChar = false;
            int limit = Math.Min(n - start, _maxPieceLength);
            for (int len = 1; len <= limit; len++)
            {
                if (!_vocab.TryGetId(word.AsSpan(start, len), out int id))
                {
                    continue;
                }

                int end = start + len;
                double candidate = baseScore + _scores[id];
                if (bestStart[end] < 0 || candidate > bestScore[end])
                {
                    bestScore[end] = candidate;
                    bestStart[end] = start;
                    bestId[end] = id;
                }

                coversChar |= len == width;
            }

            if (!coversChar)
            {
                int end = start + width;
                double candidate = baseScore + _unkScore;
                if (bestStart[end] < 0 || candidate > bestScore[end])
                {
                    bestScore[end] = candidate;
                    bestStart[end] = start;
                    bestId[end] = _unkId;
                }
            }

            start += width;
        }

        // Walk back from the end; adjacent unknown pieces fuse into one.
        var pieces = new List<(int Start, int End, int Id)>();
        for (int end = n; end > 0;)
        {
            int start = bestStart[end];
            int id = bestId[end];
            if (id == _unkId && pieces.Count > 0 && pieces[^1].Id == _unkId)
            {
                pieces[^1] = (start, pieces[^1].End, _unkId);
            }
            else
            {
                pieces.Add((start, end, id));
            }

            end = start;
        }

        for (int k = pieces.Count - 1; k >= 0; k--)
        {
            var (start, end, id) = pieces[k];
            if (id == _unkId && _byteFallback && TryBytes(word.AsSpan(start, end - start), ids))
            {
                continue;
            }

            ids.Add(id);
        }
    }

    private bool TryBytes(ReadOnlySpan<char> text, List<int> ids)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text.ToArray());
        var found = new int[bytes.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            if (!_vocab.TryGetId(string.Create(CultureInfo.InvariantCulture, $"<0x{bytes[i]:X2}>"), out found[i]))
            {
                return false;
            }
        }

        ids.AddRange(found);
        return true;
    }
}

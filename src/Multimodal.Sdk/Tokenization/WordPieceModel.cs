using System.Collections.Concurrent;

namespace Multimodal.Sdk;

/// <summary>
/// WordPiece (BERT): greedy longest-match-first from the left, later pieces spelled with the continuing-subword
/// prefix (<c>##</c>); a word with any unmatchable rest, or longer than <c>max_input_chars_per_word</c> code points,
/// is the unknown token as a whole.
/// </summary>
internal sealed class WordPieceModel : ITokenizerModel
{
    private const int CacheCapacity = 10_000;

    private readonly Vocabulary _vocab;
    private readonly string _prefix;
    private readonly int _maxInputChars;
    private readonly int _unkId;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private int _cacheCount;

    public WordPieceModel(Vocabulary vocab, string unknownToken, string continuingSubwordPrefix, int maxInputCharsPerWord)
    {
        _vocab = vocab;
        _prefix = continuingSubwordPrefix;
        _maxInputChars = maxInputCharsPerWord;
        _unkId = vocab.TryGetId(unknownToken, out int unk) ? unk : throw new FormatException($"the unknown token '{unknownToken}' is not in the vocabulary");
    }

    public int VocabSize => _vocab.Size;

    public int? TokenToId(string token) => _vocab.TokenToId(token);

    public string? IdToToken(int id) => _vocab.IdToToken(id);

    public void Tokenize(string word, List<int> ids)
    {
        if (word.Length == 0)
        {
            return;
        }

        if (!_cache.TryGetValue(word, out var result))
        {
            result = Split(word);
            if (Volatile.Read(ref _cacheCount) < CacheCapacity && _cache.TryAdd(word, result))
            {
                Interlocked.Increment(ref _cacheCount);
            }
        }

        ids.AddRange(result);
    }

    private int[] Split(string word)
    {
        int codePoints = 0;
        foreach (var _ in word.EnumerateRunes())
        {
            codePoints++;
        }

        if (codePoints > _maxInputChars)
        {
            return [_unkId];
        }

        var pieces = new List<int>();
        int start = 0;
        while (start < word.Length)
        {
            int end = word.Length;
            int found = -1;
            while (start < end)
            {
                var candidate = word.AsSpan(start, end - start);
                bool hit = start == 0
                    ? _vocab.TryGetId(candidate, out found)
                    : _vocab.TryGetId(string.Concat(_prefix, candidate), out found);
                if (hit)
                {
                    break;
                }

                found = -1;
                end -= char.IsLowSurrogate(word[end - 1]) && end - 2 >= start ? 2 : 1;
            }

            if (found < 0)
            {
                return [_unkId];
            }

            pieces.Add(found);
            start = end;
        }

        return [.. pieces];
    }
}

/// <summary>WordLevel: each word is one vocabulary entry or the unknown token.</summary>
internal sealed class WordLevelModel(Vocabulary vocab, string unknownToken) : ITokenizerModel
{
    private readonly int? _unkId = vocab.TokenToId(unknownToken);

    public int VocabSize => vocab.Size;

    public int? TokenToId(string token) => vocab.TokenToId(token);

    public string? IdToToken(int id) => vocab.IdToToken(id);

    public void Tokenize(string word, List<int> ids)
    {
        if (vocab.TryGetId(word, out int id))
        {
            ids.Add(id);
        }
        else if (_unkId is int unk)
        {
            ids.Add(unk);
        }
        else
        {
            throw new InvalidOperationException($"'{word}' is not in the WordLevel vocabulary and the unknown token '{unknownToken}' is not either.");
        }
    }
}

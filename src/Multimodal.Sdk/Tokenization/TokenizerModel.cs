namespace Multimodal.Sdk;

/// <summary>Turns one pre-tokenized word into token ids (BPE, WordPiece, WordLevel, Unigram).</summary>
/// <remarks>Implementations are safe for concurrent use once built; caches are concurrent.</remarks>
internal interface ITokenizerModel
{
    /// <summary>Gets one more than the highest id of the model's vocabulary.</summary>
    int VocabSize { get; }

    /// <summary>Appends the ids of <paramref name="word"/> to <paramref name="ids"/>.</summary>
    void Tokenize(string word, List<int> ids);

    int? TokenToId(string token);

    string? IdToToken(int id);
}

/// <summary>A vocabulary both ways: token to id and id to token.</summary>
internal sealed class Vocabulary
{
    private readonly Dictionary<string, int> _ids;
    private readonly string?[] _tokens;

    public Vocabulary(Dictionary<string, int> ids)
    {
        _ids = ids;
        int max = -1;
        foreach (var id in ids.Values)
        {
            max = Math.Max(max, id);
        }

        _tokens = new string?[max + 1];
        foreach (var (token, id) in ids)
        {
            _tokens[id] = token;
        }
    }

    public int Size => _tokens.Length;

    public int Count => _ids.Count;

    public bool TryGetId(string token, out int id) => _ids.TryGetValue(token, out id);

    public bool TryGetId(ReadOnlySpan<char> token, out int id) => _ids.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(token, out id);

    public int? TokenToId(string token) => _ids.TryGetValue(token, out int id) ? id : null;

    public string? IdToToken(int id) => (uint)id < (uint)_tokens.Length ? _tokens[id] : null;
}

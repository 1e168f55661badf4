namespace Multimodal.Sdk;

/// <summary>
/// Decodes ids as they are generated and hands out text only once it is final: a byte-level token can end in the
/// middle of a UTF-8 character, and word-piece decoders decide spacing from the neighbours. It decodes a short window
/// (the tokens since the last emitted text, plus the ones before it for context) and emits the growth when it does not
/// end in U+FFFD, the way text-generation-inference streams; each step costs the window, not the whole output.
/// </summary>
/// <remarks>Holds per-stream state: use one instance per generated sequence, from one thread at a time.</remarks>
internal sealed class StreamingTokenDecoder
{
    private readonly Tokenizer _tokenizer;
    private readonly bool _skipSpecialTokens;
    private readonly List<int> _ids = [];
    private int _prefixOffset;
    private int _readOffset;

    public StreamingTokenDecoder(Tokenizer tokenizer, bool skipSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        _tokenizer = tokenizer;
        _skipSpecialTokens = skipSpecialTokens;
    }

    /// <summary>Adds one id; returns the text that became final (often empty while a character is incomplete).</summary>
    public string Push(int id)
    {
        _ids.Add(id);
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_ids);
        string before = Decode(span[_prefixOffset.._readOffset]);
        string after = Decode(span[_prefixOffset..]);
        if (after.Length > before.Length && after[^1] != '\uFFFD' && after.StartsWith(before, StringComparison.Ordinal))
        {
            _prefixOffset = _readOffset;
            _readOffset = _ids.Count;
            return after[before.Length..];
        }

        return string.Empty;
    }

    /// <summary>Returns whatever text is still held back (an incomplete character decodes as U+FFFD) and resets.</summary>
    public string Flush()
    {
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_ids);
        string before = Decode(span[_prefixOffset.._readOffset]);
        string after = Decode(span[_prefixOffset..]);
        _ids.Clear();
        _prefixOffset = 0;
        _readOffset = 0;
        return after.Length > before.Length && after.StartsWith(before, StringComparison.Ordinal) ? after[before.Length..] : string.Empty;
    }

    private string Decode(ReadOnlySpan<int> ids) => ids.IsEmpty ? string.Empty : _tokenizer.Decode(ids, _skipSpecialTokens, cleanUpTokenizationSpaces: false);
}

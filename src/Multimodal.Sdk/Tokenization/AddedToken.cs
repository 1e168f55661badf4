namespace Multimodal.Sdk;

/// <summary>
/// A token of tokenizer.json's <c>added_tokens</c>: matched in the raw text before the model sees it, so it is never
/// split (special tokens such as <c>&lt;|endoftext|&gt;</c>, Whisper's language and timestamp tokens).
/// </summary>
/// <param name="Id">The token id.</param>
/// <param name="Content">The exact text of the token.</param>
/// <param name="Special">Whether decoding with <c>skipSpecialTokens</c> drops it.</param>
/// <param name="SingleWord">Whether it only matches as a whole word.</param>
/// <param name="LStrip">Whether it absorbs whitespace on its left.</param>
/// <param name="RStrip">Whether it absorbs whitespace on its right.</param>
/// <param name="Normalized">Whether it is matched in the normalized text rather than the raw text.</param>
internal sealed record AddedToken(int Id, string Content, bool Special, bool SingleWord = false, bool LStrip = false, bool RStrip = false, bool Normalized = false);

/// <summary>
/// Finds added tokens in text: leftmost match first and, among matches starting there, the longest (the reference's
/// Aho-Corasick leftmost-longest), through a character trie so each position costs one walk.
/// </summary>
/// <remarks>Immutable after construction; safe for concurrent use.</remarks>
internal sealed class AddedTokenMatcher
{
    private readonly Node _root = new();

    public AddedTokenMatcher(IEnumerable<(string Pattern, AddedToken Token)> tokens)
    {
        foreach (var (pattern, token) in tokens)
        {
            if (pattern.Length == 0)
            {
                continue;
            }

            var node = _root;
            foreach (char c in pattern)
            {
                node.Children ??= [];
                if (!node.Children.TryGetValue(c, out var child))
                {
                    child = new Node();
                    node.Children[c] = child;
                }

                node = child;
            }

            // The first token listed for a content keeps it, as a later duplicate cannot be told apart.
            node.Token ??= token;
        }

        IsEmpty = _root.Children is null;
    }

    public bool IsEmpty { get; }

    /// <summary>Cuts <paramref name="text"/> into spans, each either plain text (token null) or one added token.</summary>
    public void Split(string text, List<(int Start, int End, AddedToken? Token)> spans)
    {
        if (IsEmpty)
        {
            spans.Add((0, text.Length, null));
            return;
        }

        int plainStart = 0;
        int i = 0;
        while (i < text.Length)
        {
            if (!TryMatch(text, i, out var token, out int matchEnd))
            {
                i++;
                continue;
            }

            int start = i;
            int stop = matchEnd;
            if (token.SingleWord && ((start > 0 && IsWordChar(text, start - 1, backwards: true)) || (stop < text.Length && IsWordChar(text, stop, backwards: false))))
            {
                // The reference resumes after a rejected match rather than inside it.
                i = matchEnd;
                continue;
            }

            if (token.LStrip)
            {
                while (start > plainStart && char.IsWhiteSpace(text[start - 1]))
                {
                    start--;
                }
            }

            if (token.RStrip)
            {
                while (stop < text.Length && char.IsWhiteSpace(text[stop]))
                {
                    stop++;
                }
            }

            if (start > plainStart)
            {
                spans.Add((plainStart, start, null));
            }

            spans.Add((start, stop, token));
            plainStart = stop;
            i = stop;
        }

        if (plainStart < text.Length || spans.Count == 0)
        {
            spans.Add((plainStart, text.Length, null));
        }
    }

    private bool TryMatch(string text, int at, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AddedToken? token, out int end)
    {
        token = null;
        end = at;
        var node = _root;
        for (int i = at; i < text.Length; i++)
        {
            if (node.Children is null || !node.Children.TryGetValue(text[i], out node))
            {
                break;
            }

            if (node.Token is not null)
            {
                token = node.Token;
                end = i + 1;
            }
        }

        return token is not null;
    }

    private static bool IsWordChar(string text, int index, bool backwards)
    {
        if (backwards && char.IsLowSurrogate(text[index]) && index > 0)
        {
            index--;
        }

        var r = UnicodeText.RuneAt(text, index, out _);
        return r.Value == '_' || System.Text.Rune.IsLetterOrDigit(r) || UnicodeText.IsNumber(r);
    }

    private sealed class Node
    {
        public Dictionary<char, Node>? Children { get; set; }

        public AddedToken? Token { get; set; }
    }
}

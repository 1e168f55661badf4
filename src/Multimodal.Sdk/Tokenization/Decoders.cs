using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Multimodal.Sdk;

/// <summary>Turns token strings back into text pieces (the reference's <c>decode_chain</c>); the pieces are then joined.</summary>
/// <remarks>Implementations are immutable and safe for concurrent use.</remarks>
internal interface ITokenDecoder
{
    /// <summary>Rewrites <paramref name="tokens"/> in place; the list may shrink.</summary>
    void Decode(List<string> tokens);
}

/// <summary><c>ByteLevel</c>: the tokens' byte-level characters back to bytes, then UTF-8 (invalid sequences become U+FFFD).</summary>
internal sealed class ByteLevelDecoder : ITokenDecoder
{
    public void Decode(List<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            int mark = bytes.Count;
            bool all = true;
            foreach (char c in token)
            {
                if (!ByteLevelAlphabet.TryDecode(c, out byte b))
                {
                    all = false;
                    break;
                }

                bytes.Add(b);
            }

            if (!all)
            {
                // A token outside the alphabet (an added token with other characters) contributes its own UTF-8.
                bytes.RemoveRange(mark, bytes.Count - mark);
                bytes.AddRange(Encoding.UTF8.GetBytes(token));
            }
        }

        tokens.Clear();
        tokens.Add(Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes)));
    }
}

/// <summary><c>WordPiece</c>: pieces with the prefix glue to the previous one, others get a leading space; optional clean-up.</summary>
internal sealed class WordPieceDecoder(string prefix, bool cleanup) : ITokenDecoder
{
    public void Decode(List<string> tokens)
    {
        for (int i = 0; i < tokens.Count; i++)
        {
            string token = tokens[i];
            if (i != 0)
            {
                token = token.StartsWith(prefix, StringComparison.Ordinal) ? token[prefix.Length..] : " " + token;
            }

            tokens[i] = cleanup ? CleanUp.WordPiece(token) : token;
        }
    }
}

/// <summary><c>BPEDecoder</c>: the end-of-word suffix becomes a space, except on the last token.</summary>
internal sealed class BpeDecoder(string suffix) : ITokenDecoder
{
    public void Decode(List<string> tokens)
    {
        for (int i = 0; i < tokens.Count; i++)
        {
            tokens[i] = tokens[i].Replace(suffix, i == tokens.Count - 1 ? string.Empty : " ", StringComparison.Ordinal);
        }
    }
}

/// <summary><c>Metaspace</c>: the replacement becomes a space; in the first token it is dropped unless nothing was prepended.</summary>
internal sealed class MetaspaceDecoder(string replacement, PrependScheme scheme) : ITokenDecoder
{
    public void Decode(List<string> tokens)
    {
        for (int i = 0; i < tokens.Count; i++)
        {
            tokens[i] = tokens[i].Replace(replacement, i == 0 && scheme != PrependScheme.Never ? string.Empty : " ", StringComparison.Ordinal);
        }
    }
}

/// <summary><c>ByteFallback</c>: runs of <c>&lt;0xNN&gt;</c> tokens become their UTF-8 text, or one U+FFFD per byte if invalid.</summary>
internal sealed class ByteFallbackDecoder : ITokenDecoder
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public void Decode(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        var pending = new List<byte>();
        foreach (var token in tokens)
        {
            if (token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
                && byte.TryParse(token.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out byte b))
            {
                pending.Add(b);
                continue;
            }

            Flush(pending, result);
            result.Add(token);
        }

        Flush(pending, result);
        tokens.Clear();
        tokens.AddRange(result);
    }

    private static void Flush(List<byte> pending, List<string> result)
    {
        if (pending.Count == 0)
        {
            return;
        }

        try
        {
            result.Add(Strict.GetString(pending.ToArray()));
        }
        catch (DecoderFallbackException)
        {
            result.Add(new string('\uFFFD', pending.Count));
        }

        pending.Clear();
    }
}

/// <summary><c>Fuse</c>: all tokens into one string.</summary>
internal sealed class FuseDecoder : ITokenDecoder
{
    public void Decode(List<string> tokens)
    {
        string joined = string.Concat(tokens);
        tokens.Clear();
        tokens.Add(joined);
    }
}

/// <summary><c>Strip</c>: removes up to <c>start</c> leading and <c>stop</c> trailing copies of a character from each token.</summary>
internal sealed class StripDecoder(string content, int start, int stop) : ITokenDecoder
{
    public void Decode(List<string> tokens)
    {
        for (int i = 0; i < tokens.Count; i++)
        {
            string t = tokens[i];
            int a = 0;
            while (a < start && t.AsSpan(a).StartsWith(content, StringComparison.Ordinal))
            {
                a += content.Length;
            }

            int b = t.Length;
            int removed = 0;
            while (removed < stop && b - content.Length >= a && t.AsSpan(a, b - a).EndsWith(content, StringComparison.Ordinal))
            {
                b -= content.Length;
                removed++;
            }

            tokens[i] = t[a..b];
        }
    }
}

/// <summary><c>Replace</c>: every match of a regex or literal in each token becomes <c>content</c>.</summary>
internal sealed class ReplaceDecoder(ReplaceNormalizer replace) : ITokenDecoder
{
    public void Decode(List<string> tokens)
    {
        for (int i = 0; i < tokens.Count; i++)
        {
            tokens[i] = replace.Normalize(tokens[i]);
        }
    }
}

/// <summary><c>Sequence</c>: each decoder in turn.</summary>
internal sealed class SequenceDecoder(IReadOnlyList<ITokenDecoder> steps) : ITokenDecoder
{
    public void Decode(List<string> tokens)
    {
        foreach (var step in steps)
        {
            step.Decode(tokens);
        }
    }
}

/// <summary>The space clean-ups of the reference decoders.</summary>
internal static class CleanUp
{
    /// <summary>transformers' <c>clean_up_tokenization</c>: no space before punctuation and English contractions.</summary>
    public static string Tokenization(string text) => text
        .Replace(" .", ".", StringComparison.Ordinal)
        .Replace(" ?", "?", StringComparison.Ordinal)
        .Replace(" !", "!", StringComparison.Ordinal)
        .Replace(" ,", ",", StringComparison.Ordinal)
        .Replace(" ' ", "'", StringComparison.Ordinal)
        .Replace(" n't", "n't", StringComparison.Ordinal)
        .Replace(" 'm", "'m", StringComparison.Ordinal)
        .Replace(" 's", "'s", StringComparison.Ordinal)
        .Replace(" 've", "'ve", StringComparison.Ordinal)
        .Replace(" 're", "'re", StringComparison.Ordinal);

    /// <summary>The WordPiece decoder's clean-up, which also turns " do not" into " don't".</summary>
    public static string WordPiece(string text) => text
        .Replace(" .", ".", StringComparison.Ordinal)
        .Replace(" ?", "?", StringComparison.Ordinal)
        .Replace(" !", "!", StringComparison.Ordinal)
        .Replace(" ,", ",", StringComparison.Ordinal)
        .Replace(" ' ", "'", StringComparison.Ordinal)
        .Replace(" n't", "n't", StringComparison.Ordinal)
        .Replace(" 'm", "'m", StringComparison.Ordinal)
        .Replace(" do not", " don't", StringComparison.Ordinal)
        .Replace(" 's", "'s", StringComparison.Ordinal)
        .Replace(" 've", "'ve", StringComparison.Ordinal)
        .Replace(" 're", "'re", StringComparison.Ordinal);
}

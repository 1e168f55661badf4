using System.Text;
using System.Text.RegularExpressions;

namespace Multimodal.Sdk;

/// <summary>Cuts normalized text into the words the model tokenizes one at a time.</summary>
/// <remarks>Implementations are immutable and safe for concurrent use.</remarks>
internal interface IPreTokenizer
{
    /// <summary>Appends the pieces of <paramref name="text"/> to <paramref name="output"/>.</summary>
    /// <param name="text">One piece of text.</param>
    /// <param name="atStart">Whether the piece begins the input (Metaspace's <c>prepend_scheme: first</c> needs it).</param>
    /// <param name="output">Where the pieces go; empty pieces are never added.</param>
    void PreTokenize(string text, bool atStart, List<string> output);
}

/// <summary>How a Split keeps the delimiters it finds (the <c>behavior</c> field).</summary>
internal enum SplitBehavior
{
    Removed,
    Isolated,
    MergedWithPrevious,
    MergedWithNext,
    Contiguous,
}

/// <summary>Finds delimiter spans in a text: a regex, a literal, or a character predicate.</summary>
internal abstract class SplitPattern
{
    /// <summary>Appends (start, length) of each delimiter, in order and without overlap.</summary>
    public abstract void FindMatches(string text, List<(int Start, int Length)> matches);

    /// <summary>Cuts <paramref name="text"/> at its delimiters and keeps them as <paramref name="behavior"/> says.</summary>
    public void Split(string text, SplitBehavior behavior, bool invert, List<string> output)
    {
        if (text.Length == 0)
        {
            return;
        }

        var matches = new List<(int Start, int Length)>();
        FindMatches(text, matches);

        // Spans covering the whole text, each flagged as delimiter or not, as the reference builds them.
        var spans = new List<(int Start, int End, bool IsMatch)>(matches.Count * 2 + 1);
        int prev = 0;
        foreach (var (start, length) in matches)
        {
            if (start > prev)
            {
                spans.Add((prev, start, invert));
            }

            spans.Add((start, start + length, !invert));
            prev = start + length;
        }

        if (prev < text.Length)
        {
            spans.Add((prev, text.Length, invert));
        }

        switch (behavior)
        {
            case SplitBehavior.Removed:
                foreach (var s in spans)
                {
                    if (!s.IsMatch)
                    {
                        Add(text, s.Start, s.End, output);
                    }
                }

                break;
            case SplitBehavior.Isolated:
                foreach (var s in spans)
                {
                    Add(text, s.Start, s.End, output);
                }

                break;
            case SplitBehavior.MergedWithPrevious:
                AddMerged(text, spans, output, static (previousWasMatch, isMatch) => isMatch && !previousWasMatch);
                break;
            case SplitBehavior.MergedWithNext:
                AddMerged(text, spans, output, static (previousWasMatch, isMatch) => previousWasMatch && !isMatch);
                break;
            case SplitBehavior.Contiguous:
                AddMerged(text, spans, output, static (previousWasMatch, isMatch) => previousWasMatch && isMatch);
                break;
        }
    }

    // The three merging behaviors differ only in when a span joins the piece before it.
    private static void AddMerged(string text, List<(int Start, int End, bool IsMatch)> spans, List<string> output, Func<bool, bool, bool> joinsPrevious)
    {
        var cuts = new List<(int Start, int End)>(spans.Count);
        bool previousWasMatch = false;
        foreach (var s in spans)
        {
            if (cuts.Count > 0 && joinsPrevious(previousWasMatch, s.IsMatch))
            {
                cuts[^1] = (cuts[^1].Start, s.End);
            }
            else
            {
                cuts.Add((s.Start, s.End));
            }

            previousWasMatch = s.IsMatch;
        }

        foreach (var (start, end) in cuts)
        {
            Add(text, start, end, output);
        }
    }

    private static void Add(string text, int start, int end, List<string> output)
    {
        if (end > start)
        {
            output.Add(start == 0 && end == text.Length ? text : text[start..end]);
        }
    }
}

/// <summary>A regex, compiled once at load, matched on code points.</summary>
internal sealed class RegexSplitPattern(CodePointRegex regex) : SplitPattern
{
    public override void FindMatches(string text, List<(int Start, int Length)> matches) => regex.FindMatches(text, matches);
}

/// <summary>The GPT-2 pattern through <see cref="Gpt2Splitter"/>; every piece is a match.</summary>
internal sealed class Gpt2SplitPattern : SplitPattern
{
    public override void FindMatches(string text, List<(int Start, int Length)> matches)
    {
        var pieces = new List<string>();
        Gpt2Splitter.Split(text, pieces);
        int at = 0;
        foreach (var p in pieces)
        {
            matches.Add((at, p.Length));
            at += p.Length;
        }
    }
}

/// <summary>A literal string.</summary>
internal sealed class LiteralSplitPattern(string literal) : SplitPattern
{
    public override void FindMatches(string text, List<(int Start, int Length)> matches)
    {
        if (literal.Length == 0)
        {
            return;
        }

        int at = 0;
        while ((at = text.IndexOf(literal, at, StringComparison.Ordinal)) >= 0)
        {
            matches.Add((at, literal.Length));
            at += literal.Length;
        }
    }
}

/// <summary>Each code point for which a predicate holds is one delimiter.</summary>
internal sealed class CharSplitPattern(Func<Rune, bool> predicate) : SplitPattern
{
    public override void FindMatches(string text, List<(int Start, int Length)> matches)
    {
        for (int i = 0; i < text.Length;)
        {
            Rune r = UnicodeText.RuneAt(text, i, out int w);
            if (predicate(r))
            {
                matches.Add((i, w));
            }

            i += w;
        }
    }
}

/// <summary><c>Split</c>: a regex or string pattern with a delimiter behavior, optionally inverted (the pattern then matches the pieces).</summary>
internal sealed class SplitPreTokenizer(SplitPattern pattern, SplitBehavior behavior, bool invert) : IPreTokenizer
{
    public void PreTokenize(string text, bool atStart, List<string> output) => pattern.Split(text, behavior, invert, output);
}

/// <summary>
/// <c>ByteLevel</c>: optionally a leading space and the GPT-2 split, then every piece spelled in the byte-level alphabet.
/// </summary>
internal sealed class ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex) : IPreTokenizer
{
    public void PreTokenize(string text, bool atStart, List<string> output)
    {
        if (text.Length == 0)
        {
            return;
        }

        // The reference prepends to every piece it is given, not only the first (one per section between added tokens).
        if (addPrefixSpace && text[0] != ' ')
        {
            text = " " + text;
        }

        if (!useRegex)
        {
            output.Add(ByteLevelAlphabet.Encode(text));
            return;
        }

        Gpt2Splitter.SplitToByteLevel(text, output);
    }
}

/// <summary>
/// <c>Whitespace</c>: runs of word characters and runs of other non-space characters, <c>\w+|[^\w\s]+</c> with Rust
/// regex's Unicode <c>\w</c> (alphabetic, marks, decimal digits, connector punctuation, joiners), which is wider than
/// .NET's (no spacing marks there, so Devanagari words would break).
/// </summary>
internal sealed partial class WhitespacePreTokenizer : IPreTokenizer
{
    private static readonly SplitPattern Words = new RegexSplitPattern(new CodePointRegex(WordsRegex()));

    public void PreTokenize(string text, bool atStart, List<string> output) => Words.Split(text, SplitBehavior.Removed, invert: true, output);

    [GeneratedRegex(@"[\p{L}\p{Nl}\p{M}\p{Nd}\p{Pc}\u200C\u200D]+|[^\p{L}\p{Nl}\p{M}\p{Nd}\p{Pc}\u200C\u200D\s]+")]
    private static partial Regex WordsRegex();
}

/// <summary><c>WhitespaceSplit</c>: splits on whitespace, dropping it.</summary>
internal sealed class WhitespaceSplitPreTokenizer : IPreTokenizer
{
    private static readonly SplitPattern Spaces = new CharSplitPattern(UnicodeText.IsWhiteSpace);

    public void PreTokenize(string text, bool atStart, List<string> output) => Spaces.Split(text, SplitBehavior.Removed, invert: false, output);
}

/// <summary><c>BertPreTokenizer</c>: splits on whitespace (dropped) and on each punctuation character (kept alone).</summary>
internal sealed class BertPreTokenizer : IPreTokenizer
{
    private static readonly SplitPattern Spaces = new CharSplitPattern(UnicodeText.IsWhiteSpace);
    private static readonly SplitPattern Punctuation = new CharSplitPattern(UnicodeText.IsPunctuation);

    public void PreTokenize(string text, bool atStart, List<string> output)
    {
        var words = new List<string>();
        Spaces.Split(text, SplitBehavior.Removed, invert: false, words);
        foreach (var w in words)
        {
            Punctuation.Split(w, SplitBehavior.Isolated, invert: false, output);
        }
    }
}

/// <summary><c>Punctuation</c>: each punctuation character is a delimiter kept as the behavior says.</summary>
internal sealed class PunctuationPreTokenizer(SplitBehavior behavior) : IPreTokenizer
{
    private static readonly SplitPattern Punctuation = new CharSplitPattern(UnicodeText.IsPunctuation);

    public void PreTokenize(string text, bool atStart, List<string> output) => Punctuation.Split(text, behavior, invert: false, output);
}

/// <summary>
/// <c>Digits</c>: numeric characters split from the rest, one by one or as runs. Numeric is Rust's
/// <c>char::is_numeric</c>, as huggingface/tokenizers uses: decimal digits of every script, letter numbers (Ⅻ) and
/// other numbers (½, ²). tokenizers.js splits only ASCII 0-9 (JavaScript's <c>\d</c>); docs/model-folders.md lists it.
/// </summary>
internal sealed class DigitsPreTokenizer(bool individualDigits) : IPreTokenizer
{
    private static readonly SplitPattern Digit = new CharSplitPattern(static r => Rune.GetUnicodeCategory(r)
        is System.Globalization.UnicodeCategory.DecimalDigitNumber or System.Globalization.UnicodeCategory.LetterNumber or System.Globalization.UnicodeCategory.OtherNumber);

    public void PreTokenize(string text, bool atStart, List<string> output) =>
        Digit.Split(text, individualDigits ? SplitBehavior.Isolated : SplitBehavior.Contiguous, invert: false, output);
}

/// <summary><c>CharDelimiterSplit</c>: splits on one character, dropping it.</summary>
internal sealed class CharDelimiterPreTokenizer(Rune delimiter) : IPreTokenizer
{
    private readonly SplitPattern _pattern = new CharSplitPattern(r => r == delimiter);

    public void PreTokenize(string text, bool atStart, List<string> output) => _pattern.Split(text, SplitBehavior.Removed, invert: false, output);
}

/// <summary>When Metaspace puts its replacement in front of a piece (the <c>prepend_scheme</c> field).</summary>
internal enum PrependScheme
{
    Always,
    First,
    Never,
}

/// <summary><c>Metaspace</c> (SentencePiece style): spaces become the replacement (▁), which may lead the text, and each word starts at one.</summary>
internal sealed class MetaspacePreTokenizer(string replacement, PrependScheme scheme, bool split) : IPreTokenizer
{
    private readonly SplitPattern _pattern = new LiteralSplitPattern(replacement);

    public void PreTokenize(string text, bool atStart, List<string> output)
    {
        if (text.Length == 0)
        {
            return;
        }

        text = text.Replace(" ", replacement, StringComparison.Ordinal);
        if (!text.StartsWith(replacement, StringComparison.Ordinal) && (scheme == PrependScheme.Always || (scheme == PrependScheme.First && atStart)))
        {
            text = replacement + text;
        }

        if (split)
        {
            _pattern.Split(text, SplitBehavior.MergedWithNext, invert: false, output);
        }
        else
        {
            output.Add(text);
        }
    }
}

/// <summary><c>Sequence</c>: each pre-tokenizer cuts every piece the previous one produced.</summary>
internal sealed class SequencePreTokenizer(IReadOnlyList<IPreTokenizer> steps) : IPreTokenizer
{
    public void PreTokenize(string text, bool atStart, List<string> output)
    {
        var current = new List<string> { text };
        var next = new List<string>();
        foreach (var step in steps)
        {
            next.Clear();
            for (int i = 0; i < current.Count; i++)
            {
                step.PreTokenize(current[i], atStart && i == 0, next);
            }

            (current, next) = (next, current);
        }

        output.AddRange(current);
    }
}

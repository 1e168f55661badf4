using System.Globalization;
using System.Text;

namespace Multimodal.Sdk;

/// <summary>Rewrites text before pre-tokenization (Unicode normalization, case, accents, replacements).</summary>
/// <remarks>Implementations are immutable and safe for concurrent use.</remarks>
internal interface INormalizer
{
    string Normalize(string text);
}

/// <summary><c>NFC</c>, <c>NFD</c>, <c>NFKC</c>, <c>NFKD</c>.</summary>
internal sealed class UnicodeNormalizer(NormalizationForm form) : INormalizer
{
    public string Normalize(string text) => text.IsNormalized(form) ? text : text.Normalize(form);
}

/// <summary><c>Lowercase</c>: full Unicode lower-casing, culture-independent, with the word-final sigma rule.</summary>
internal sealed class LowercaseNormalizer : INormalizer
{
    public string Normalize(string text) => UnicodeCase.ToLower(text);
}

/// <summary><c>Strip</c>: trims Unicode whitespace from the left and/or right.</summary>
internal sealed class StripNormalizer(bool left, bool right) : INormalizer
{
    public string Normalize(string text)
    {
        int start = 0;
        int end = text.Length;
        if (left)
        {
            while (start < end && char.IsWhiteSpace(text[start]))
            {
                start++;
            }
        }

        if (right)
        {
            while (end > start && char.IsWhiteSpace(text[end - 1]))
            {
                end--;
            }
        }

        return start == 0 && end == text.Length ? text : text[start..end];
    }
}

/// <summary><c>StripAccents</c>: removes nonspacing marks (meant to follow NFD, as the reference requires).</summary>
internal sealed class StripAccentsNormalizer : INormalizer
{
    public string Normalize(string text) => RemoveNonSpacingMarks(text);

    public static string RemoveNonSpacingMarks(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length;)
        {
            Rune r = UnicodeText.RuneAt(text, i, out int w);
            if (Rune.GetUnicodeCategory(r) != UnicodeCategory.NonSpacingMark)
            {
                sb.Append(text, i, w);
            }

            i += w;
        }

        return sb.ToString();
    }
}

/// <summary><c>Replace</c>: every match of a regex or literal becomes <c>content</c>.</summary>
internal sealed class ReplaceNormalizer : INormalizer
{
    private readonly CodePointRegex? _regex;
    private readonly string? _literal;
    private readonly string _content;

    public ReplaceNormalizer(CodePointRegex? regex, string? literal, string content)
    {
        _regex = regex;
        _literal = literal;
        _content = content;
    }

    public string Normalize(string text)
    {
        if (_regex is not null)
        {
            // Content is literal: "$1" means those characters, not a group, as in the reference.
            return _regex.Replace(text, _content);
        }

        return string.IsNullOrEmpty(_literal) ? text : text.Replace(_literal, _content, StringComparison.Ordinal);
    }
}

/// <summary><c>Prepend</c>: puts a prefix in front of non-empty text.</summary>
internal sealed class PrependNormalizer(string prefix) : INormalizer
{
    public string Normalize(string text) => text.Length == 0 ? text : prefix + text;
}

/// <summary><c>ByteLevel</c> as a normalizer: spells the UTF-8 bytes in the byte-level alphabet.</summary>
internal sealed class ByteLevelNormalizer : INormalizer
{
    public string Normalize(string text) => ByteLevelAlphabet.Encode(text);
}

/// <summary>
/// <c>BertNormalizer</c>: drops control characters and maps whitespace to spaces, puts spaces around CJK ideographs,
/// strips accents and lower-cases, each step optional.
/// </summary>
internal sealed class BertNormalizer(bool cleanText, bool handleChineseChars, bool stripAccents, bool lowercase) : INormalizer
{
    public string Normalize(string text)
    {
        if (cleanText || handleChineseChars)
        {
            var sb = new StringBuilder(text.Length + 8);
            for (int i = 0; i < text.Length;)
            {
                Rune r = UnicodeText.RuneAt(text, i, out int w);
                i += w;
                if (cleanText)
                {
                    if (r.Value is 0 or 0xFFFD || IsControl(r))
                    {
                        continue;
                    }

                    if (r.Value is '\t' or '\n' or '\r' || Rune.IsWhiteSpace(r))
                    {
                        sb.Append(' ');
                        continue;
                    }
                }

                if (handleChineseChars && IsChineseChar(r.Value))
                {
                    sb.Append(' ').Append(r.ToString()).Append(' ');
                }
                else
                {
                    sb.Append(r.ToString());
                }
            }

            text = sb.ToString();
        }

        if (stripAccents)
        {
            text = StripAccentsNormalizer.RemoveNonSpacingMarks(text.Normalize(NormalizationForm.FormD));
        }

        if (lowercase)
        {
            text = UnicodeCase.ToLower(text);
        }

        return text;
    }

    // Rust's char::is_other: Cc, Cf, Cn, Co and Cs; tab, newline and carriage return count as whitespace instead.
    private static bool IsControl(Rune r) => r.Value is not ('\t' or '\n' or '\r') && Rune.GetUnicodeCategory(r) is UnicodeCategory.Control
        or UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate;

    private static bool IsChineseChar(int c) => c is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF
        or >= 0x2A700 and <= 0x2B73F or >= 0x2B740 and <= 0x2B81F or >= 0x2B920 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF
        or >= 0x2F800 and <= 0x2FA1F;
}

/// <summary><c>Sequence</c>: each normalizer in turn.</summary>
internal sealed class SequenceNormalizer(IReadOnlyList<INormalizer> steps) : INormalizer
{
    public string Normalize(string text)
    {
        foreach (var step in steps)
        {
            text = step.Normalize(text);
        }

        return text;
    }
}

/// <summary>Lower-casing as Rust's <c>str::to_lowercase</c> and JavaScript's <c>toLowerCase</c> do it.</summary>
internal static class UnicodeCase
{
    public static string ToLower(string text)
    {
        string lower = text.ToLowerInvariant();

        // .NET maps capital sigma to σ everywhere; the references use ς at the end of a word.
        if (lower.Contains('σ', StringComparison.Ordinal) && text.Contains('Σ', StringComparison.Ordinal))
        {
            var chars = lower.ToCharArray();
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] == 'Σ' && IsFinalSigma(text, i))
                {
                    chars[i] = 'ς';
                }
            }

            lower = new string(chars);
        }

        // İ (U+0130) lower-cases to "i̇" (two code points) in full case mapping; .NET's simple mapping gives "i".
        if (text.Contains('\u0130', StringComparison.Ordinal))
        {
            var sb = new StringBuilder(lower.Length + 2);
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] == '\u0130')
                {
                    sb.Append("i\u0307");
                }
                else
                {
                    sb.Append(lower[i]);
                }
            }

            lower = sb.ToString();
        }

        return lower;
    }

    // Final_Sigma: preceded by a cased letter (skipping case-ignorable ones) and not followed by one.
    private static bool IsFinalSigma(string s, int i)
    {
        int j = i - 1;
        while (j >= 0 && IsCaseIgnorable(s[j]))
        {
            j--;
        }

        if (j < 0 || !char.IsLetter(s[j]))
        {
            return false;
        }

        int k = i + 1;
        while (k < s.Length && IsCaseIgnorable(s[k]))
        {
            k++;
        }

        return k >= s.Length || !char.IsLetter(s[k]);
    }

    private static bool IsCaseIgnorable(char c) => c is '\'' or '.' or ':' or '^' or '`' or '\u00AD' or '\u2019'
        || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.Format or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol;
}

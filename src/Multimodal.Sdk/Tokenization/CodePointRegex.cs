using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Multimodal.Sdk;

/// <summary>
/// Runs a .NET regex with the reference engines' view of characters. Oniguruma and Rust's regex match code points,
/// .NET matches UTF-16 units, so <c>\p{L}</c> misses a letter outside the BMP (CJK extension B, mathematical
/// letters). When the text has surrogates the regex runs on a stand-in string where each such code point is one BMP
/// character of the same general category, and match positions are mapped back to the original text.
/// </summary>
/// <remarks>Immutable; safe for concurrent use.</remarks>
internal sealed class CodePointRegex(Regex regex)
{
    public string Pattern => regex.ToString();

    /// <summary>Appends (start, length) of every non-empty match, in original-text positions.</summary>
    public void FindMatches(string text, List<(int Start, int Length)> matches)
    {
        if (text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            foreach (var m in regex.EnumerateMatches(text))
            {
                if (m.Length > 0)
                {
                    matches.Add((m.Index, m.Length));
                }
            }

            return;
        }

        var shadow = new StringBuilder(text.Length);
        var original = new List<int>(text.Length + 1); // shadow index -> original index
        for (int i = 0; i < text.Length;)
        {
            Rune r = UnicodeText.RuneAt(text, i, out int width);
            original.Add(i);
            shadow.Append(width == 2 ? StandIn(Rune.GetUnicodeCategory(r)) : text[i]);
            i += width;
        }

        original.Add(text.Length);
        foreach (var m in regex.EnumerateMatches(shadow.ToString()))
        {
            if (m.Length > 0)
            {
                int start = original[m.Index];
                matches.Add((start, original[m.Index + m.Length] - start));
            }
        }
    }

    /// <summary>Replaces every match with <paramref name="content"/> taken literally.</summary>
    public string Replace(string text, string content)
    {
        var matches = new List<(int Start, int Length)>();
        FindMatches(text, matches);
        if (matches.Count == 0)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        int at = 0;
        foreach (var (start, length) in matches)
        {
            sb.Append(text, at, start - at).Append(content);
            at = start + length;
        }

        return sb.Append(text, at, text.Length - at).ToString();
    }

    // BMP characters of each category that no tokenizer pattern names literally.
    private static char StandIn(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter => '\u10A0',
        UnicodeCategory.LowercaseLetter => '\u0561',
        UnicodeCategory.TitlecaseLetter => '\u01C5',
        UnicodeCategory.ModifierLetter => '\u02B0',
        UnicodeCategory.OtherLetter => '\uA500',
        UnicodeCategory.NonSpacingMark => '\u0300',
        UnicodeCategory.SpacingCombiningMark => '\u0903',
        UnicodeCategory.EnclosingMark => '\u20DD',
        UnicodeCategory.DecimalDigitNumber => '\u0660',
        UnicodeCategory.LetterNumber => '\u2160',
        UnicodeCategory.OtherNumber => '\u2460',
        UnicodeCategory.ConnectorPunctuation => '\u2040',
        UnicodeCategory.DashPunctuation => '\u2010',
        UnicodeCategory.OpenPunctuation => '\u2045',
        UnicodeCategory.ClosePunctuation => '\u2046',
        UnicodeCategory.InitialQuotePunctuation => '\u2039',
        UnicodeCategory.FinalQuotePunctuation => '\u203A',
        UnicodeCategory.OtherPunctuation => '\u2E18',
        UnicodeCategory.MathSymbol => '\u2A00',
        UnicodeCategory.CurrencySymbol => '\u20A0',
        UnicodeCategory.ModifierSymbol => '\u02C2',
        UnicodeCategory.OtherSymbol => '\u2E80',
        UnicodeCategory.Format => '\u2060',
        UnicodeCategory.PrivateUse => '\uE000',
        _ => '\u0378', // unassigned
    };
}

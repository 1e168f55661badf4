using System.Buffers;
using System.Globalization;
using System.Text;

namespace Multimodal.Sdk;

/// <summary>
/// Character classes as the reference tokenizers (Rust <c>char</c> methods, Oniguruma classes) define them, on
/// code points rather than UTF-16 units so that letters outside the BMP are letters.
/// </summary>
internal static class UnicodeText
{
    /// <summary>Unicode White_Space, the set of Rust's <c>char::is_whitespace</c> and Oniguruma's <c>\s</c>.</summary>
    public static bool IsWhiteSpace(Rune r) => Rune.IsWhiteSpace(r);

    public static bool IsLetter(Rune r) => Rune.IsLetter(r);

    public static bool IsNumber(Rune r) => Rune.GetUnicodeCategory(r) is UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;

    /// <summary>ASCII punctuation or a Unicode P* character, the definition BERT and the Punctuation pre-tokenizer share.</summary>
    public static bool IsPunctuation(Rune r)
    {
        if (r.IsAscii)
        {
            int v = r.Value;
            return v is >= 33 and <= 47 or >= 58 and <= 64 or >= 91 and <= 96 or >= 123 and <= 126;
        }

        return Rune.GetUnicodeCategory(r) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }

    /// <summary>Reads the code point at <paramref name="index"/>; a lone surrogate reads as U+FFFD of width 1.</summary>
    public static Rune RuneAt(string s, int index, out int width)
    {
        if (Rune.DecodeFromUtf16(s.AsSpan(index), out var rune, out width) != OperationStatus.Done)
        {
            width = 1;
            return Rune.ReplacementChar;
        }

        return rune;
    }
}

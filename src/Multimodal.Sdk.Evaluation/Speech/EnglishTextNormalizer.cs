using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Multimodal.Sdk;

/// <summary>
/// An optional English normalizer for WER / CER: lower case, numbers spelled out in words, punctuation removed,
/// whitespace collapsed. Apply it to both sides (pass <see cref="Normalize"/> to <see cref="ErrorRate"/>) so that
/// "Hello, World! 42" and "hello world forty two" score as identical.
/// </summary>
/// <remarks>
/// Rules, in order: lower case (invariant culture); thousands separators inside digit groups dropped ("1,000");
/// decimals read digit by digit after "point" ("3.14" -> "three point one four"); ordinals "1st", "2nd", "23rd",
/// "4th" -> "first", "second", "twenty third", "fourth"; cardinals up to 999,999,999,999 in words without "and"
/// ("105" -> "one hundred five"); a "%" after a number becomes "percent"; apostrophes inside words are kept ("don't");
/// every other non-letter, non-digit character becomes a space; runs of whitespace become one space. Digit runs longer
/// than twelve digits are read digit by digit. This is not Whisper's normalizer (which goes the other way, words to
/// digits). Stateless and safe for concurrent use.
/// </remarks>
public static partial class EnglishTextNormalizer
{
    private static readonly string[] Ones =
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];

    private static readonly string[] Tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

    private static readonly (long Value, string Name)[] Scales = [(1_000_000_000, "billion"), (1_000_000, "million"), (1_000, "thousand")];

    /// <summary>Normalizes English text for error-rate scoring.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The normalized text: lower-case words separated by single spaces.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.ToLowerInvariant();
        s = ThousandsSeparator().Replace(s, string.Empty);
        s = Percent().Replace(s, "$1 percent");
        s = NumberToken().Replace(s, m => " " + SpellNumber(m) + " ");
        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            bool apostropheInWord = (c == '\'' || c == '\u2019') && i > 0 && char.IsLetter(s[i - 1]) && i + 1 < s.Length && char.IsLetter(s[i + 1]);
            sb.Append(char.IsLetterOrDigit(c) ? c : apostropheInWord ? '\'' : ' ');
        }

        return Whitespace().Replace(sb.ToString(), " ").Trim();
    }

    private static string SpellNumber(Match m)
    {
        string integer = m.Groups["int"].Value;
        string fraction = m.Groups["frac"].Value;
        string ordinal = m.Groups["ord"].Value;
        string words = integer.Length > 12 ? Digits(integer) : Cardinal(long.Parse(integer, CultureInfo.InvariantCulture));
        if (fraction.Length > 0)
        {
            return words + " point " + Digits(fraction);
        }

        return ordinal.Length > 0 ? Ordinal(words) : words;
    }

    private static string Digits(string digits) => string.Join(' ', digits.Select(d => Ones[d - '0']));

    private static string Cardinal(long n)
    {
        if (n < 20)
        {
            return Ones[n];
        }

        if (n < 100)
        {
            return Tens[n / 10] + (n % 10 != 0 ? " " + Ones[n % 10] : string.Empty);
        }

        if (n < 1000)
        {
            return Ones[n / 100] + " hundred" + (n % 100 != 0 ? " " + Cardinal(n % 100) : string.Empty);
        }

        foreach (var (value, name) in Scales)
        {
            if (n >= value)
            {
                return Cardinal(n / value) + " " + name + (n % value != 0 ? " " + Cardinal(n % value) : string.Empty);
            }
        }

        throw new UnreachableException();
    }

    private static string Ordinal(string cardinal)
    {
        int space = cardinal.LastIndexOf(' ');
        string head = space < 0 ? string.Empty : cardinal[..(space + 1)];
        string last = cardinal[(space + 1)..];
        string ordinal = last switch
        {
            "one" => "first",
            "two" => "second",
            "three" => "third",
            "five" => "fifth",
            "eight" => "eighth",
            "nine" => "ninth",
            "twelve" => "twelfth",
            _ when last.EndsWith('y') => last[..^1] + "ieth",
            _ => last + "th",
        };
        return head + ordinal;
    }

    [GeneratedRegex(@"(?<=\d),(?=\d{3}(?!\d))")]
    private static partial Regex ThousandsSeparator();

    [GeneratedRegex(@"(\d)\s*%")]
    private static partial Regex Percent();

    [GeneratedRegex(@"(?<int>\d+)(?:\.(?<frac>\d+)|(?<ord>st|nd|rd|th)\b)?")]
    private static partial Regex NumberToken();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

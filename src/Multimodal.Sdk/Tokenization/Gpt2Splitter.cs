using System.Text;

namespace Multimodal.Sdk;

/// <summary>
/// The GPT-2 pre-tokenization pattern
/// <c>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</c> as a hand-written scanner.
/// .NET's Regex classifies UTF-16 units, so a letter outside the BMP (CJK extension B, mathematical letters) would
/// not be <c>\p{L}</c> there while it is for the Rust reference; scanning code points is exact and also avoids the
/// regex engine on the hottest path of byte-level tokenizers.
/// </summary>
internal static class Gpt2Splitter
{
    /// <summary>The pattern as it is written in tokenizer.json files, so a Split with it can use this scanner.</summary>
    public const string Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private enum CharClass
    {
        Letter,
        Number,
        Space,
        Other,
    }

    /// <summary>Appends the pieces of <paramref name="text"/>, which together spell it exactly, to <paramref name="output"/>.</summary>
    public static void Split(string text, List<string> output)
    {
        int i = 0;
        while (i < text.Length)
        {
            int end = MatchAt(text, i);
            output.Add(text.Substring(i, end - i));
            i = end;
        }
    }

    /// <summary>Appends each piece of <paramref name="text"/> spelled in the byte-level alphabet, without an intermediate substring.</summary>
    public static void SplitToByteLevel(string text, List<string> output)
    {
        int i = 0;
        while (i < text.Length)
        {
            int end = MatchAt(text, i);
            output.Add(ByteLevelAlphabet.Encode(text.AsSpan(i, end - i)));
            i = end;
        }
    }

    private static int MatchAt(string s, int i)
    {
        if (s[i] == '\'' && Contraction(s, i + 1) is > 0 and int len)
        {
            return i + 1 + len;
        }

        int start = s[i] == ' ' && i + 1 < s.Length ? i + 1 : i;
        var cls = Classify(s, start, out int width);
        if (cls != CharClass.Space && (start == i + 1 || s[i] != ' '))
        {
            int j = start + width;
            while (j < s.Length && Classify(s, j, out int w) == cls)
            {
                j += w;
            }

            return j;
        }

        // A whitespace run: all of it when it ends the text or precedes nothing else, otherwise all but its last
        // character (which then leads the next word), and never less than one character.
        int run = i;
        while (run < s.Length && Classify(s, run, out int w) == CharClass.Space)
        {
            run += w;
        }

        if (run == s.Length || run - i == 1)
        {
            return run;
        }

        int last = char.IsLowSurrogate(s[run - 1]) ? 2 : 1;
        return run - last > i ? run - last : run;
    }

    private static int Contraction(string s, int i)
    {
        if (i >= s.Length)
        {
            return 0;
        }

        char c = s[i];
        if (c is 's' or 't' or 'm' or 'd')
        {
            return 1;
        }

        if (i + 1 < s.Length)
        {
            char d = s[i + 1];
            if ((c == 'r' && d == 'e') || (c == 'v' && d == 'e') || (c == 'l' && d == 'l'))
            {
                return 2;
            }
        }

        return 0;
    }

    private static CharClass Classify(string s, int index, out int width)
    {
        char c = s[index];
        if (c < 128)
        {
            width = 1;
            return c switch
            {
                >= 'a' and <= 'z' or >= 'A' and <= 'Z' => CharClass.Letter,
                >= '0' and <= '9' => CharClass.Number,
                ' ' or '\t' or '\n' or '\r' or '\v' or '\f' => CharClass.Space,
                _ => CharClass.Other,
            };
        }

        Rune r = UnicodeText.RuneAt(s, index, out width);
        return UnicodeText.IsLetter(r) ? CharClass.Letter
            : UnicodeText.IsNumber(r) ? CharClass.Number
            : UnicodeText.IsWhiteSpace(r) ? CharClass.Space
            : CharClass.Other;
    }
}

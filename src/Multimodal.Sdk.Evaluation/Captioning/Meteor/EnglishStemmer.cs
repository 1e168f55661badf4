using System.Text;

namespace Multimodal.Sdk;

/// <summary>
/// The Snowball English ("Porter2") stemmer, which METEOR 1.5 uses for its stem module
/// (<c>org.tartarus.snowball.ext.englishStemmer</c>), written from the published algorithm.
/// </summary>
internal static class EnglishStemmer
{
    private static readonly Dictionary<string, string> Exceptions1 = new(StringComparer.Ordinal)
    {
        ["skis"] = "ski", ["skies"] = "sky", ["dying"] = "die", ["lying"] = "lie", ["tying"] = "tie", ["idly"] = "idl",
        ["gently"] = "gentl", ["ugly"] = "ugli", ["early"] = "earli", ["only"] = "onli", ["singly"] = "singl",
        ["sky"] = "sky", ["news"] = "news", ["howe"] = "howe", ["atlas"] = "atlas", ["cosmos"] = "cosmos", ["bias"] = "bias", ["andes"] = "andes",
    };

    private static readonly HashSet<string> Exceptions2 = new(["inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed"], StringComparer.Ordinal);

    private static readonly (string Suffix, string Replacement)[] Step2 =
    [
        ("ization", "ize"), ("ational", "ate"), ("fulness", "ful"), ("ousness", "ous"), ("iveness", "ive"),
        ("tional", "tion"), ("biliti", "ble"), ("lessli", "less"), ("entli", "ent"), ("ation", "ate"), ("alism", "al"),
        ("aliti", "al"), ("ousli", "ous"), ("iviti", "ive"), ("fulli", "ful"), ("enci", "ence"), ("anci", "ance"),
        ("abli", "able"), ("izer", "ize"), ("ator", "ate"), ("alli", "al"), ("bli", "ble"), ("ogi", "og"), ("li", string.Empty),
    ];

    private static readonly (string Suffix, string Replacement)[] Step3 =
    [
        ("ational", "ate"), ("tional", "tion"), ("alize", "al"), ("icate", "ic"), ("iciti", "ic"), ("ative", string.Empty),
        ("ical", "ic"), ("ness", string.Empty), ("ful", string.Empty),
    ];

    private static readonly string[] Step4 =
        ["ement", "ance", "ence", "able", "ible", "ment", "ant", "ent", "ism", "ate", "iti", "ous", "ive", "ize", "ion", "al", "er", "ic"];

    public static string Stem(string word)
    {
        if (word.Length <= 2)
        {
            return word;
        }

        if (Exceptions1.TryGetValue(word, out var special))
        {
            return special;
        }

        var w = new StringBuilder(word.StartsWith('\'') ? word[1..] : word);
        if (w.Length > 0 && w[0] == 'y')
        {
            w[0] = 'Y';
        }

        for (int i = 1; i < w.Length; i++)
        {
            if (w[i] == 'y' && IsVowel(w[i - 1]))
            {
                w[i] = 'Y';
            }
        }

        int r1 = RegionStart(w, 0);
        foreach (var prefix in new[] { "gener", "commun", "arsen" })
        {
            if (w.ToString().StartsWith(prefix, StringComparison.Ordinal))
            {
                r1 = prefix.Length;
                break;
            }
        }

        int r2 = RegionStart(w, r1);

        // Step 0
        foreach (var suffix in new[] { "'s'", "'s", "'" })
        {
            if (EndsWith(w, suffix))
            {
                w.Length -= suffix.Length;
                break;
            }
        }

        // Step 1a
        if (EndsWith(w, "sses"))
        {
            w.Length -= 2;
        }
        else if (EndsWith(w, "ied") || EndsWith(w, "ies"))
        {
            w.Length -= 3;
            w.Append(w.Length > 1 ? "i" : "ie");
        }
        else if (EndsWith(w, "us") || EndsWith(w, "ss"))
        {
            // unchanged
        }
        else if (EndsWith(w, "s"))
        {
            bool vowelBefore = false;
            for (int i = 0; i < w.Length - 2; i++)
            {
                vowelBefore |= IsVowel(w[i]);
            }

            if (vowelBefore)
            {
                w.Length -= 1;
            }
        }

        if (Exceptions2.Contains(w.ToString()))
        {
            return w.ToString();
        }

        // Step 1b
        string[] step1b = ["eedly", "ingly", "edly", "eed", "ing", "ed"];
        foreach (var suffix in step1b)
        {
            if (!EndsWith(w, suffix))
            {
                continue;
            }

            if (suffix is "eed" or "eedly")
            {
                if (w.Length - suffix.Length >= r1)
                {
                    w.Length -= suffix.Length;
                    w.Append("ee");
                }
            }
            else
            {
                bool vowel = false;
                for (int i = 0; i < w.Length - suffix.Length; i++)
                {
                    vowel |= IsVowel(w[i]);
                }

                if (vowel)
                {
                    w.Length -= suffix.Length;
                    if (EndsWith(w, "at") || EndsWith(w, "bl") || EndsWith(w, "iz"))
                    {
                        w.Append('e');
                    }
                    else if (EndsWithDouble(w))
                    {
                        w.Length -= 1;
                    }
                    else if (IsShort(w, r1))
                    {
                        w.Append('e');
                    }
                }
            }

            break;
        }

        // Step 1c
        if (w.Length > 2 && (w[^1] == 'y' || w[^1] == 'Y') && !IsVowel(w[^2]))
        {
            w[^1] = 'i';
        }

        // Step 2
        foreach (var (suffix, replacement) in Step2)
        {
            if (!EndsWith(w, suffix))
            {
                continue;
            }

            if (w.Length - suffix.Length >= r1)
            {
                if (suffix == "ogi")
                {
                    if (w.Length > 3 && w[^4] == 'l')
                    {
                        Replace(w, suffix, replacement);
                    }
                }
                else if (suffix == "li")
                {
                    if (w.Length > 2 && "cdeghkmnrt".Contains(w[^3], StringComparison.Ordinal))
                    {
                        w.Length -= 2;
                    }
                }
                else
                {
                    Replace(w, suffix, replacement);
                }
            }

            break;
        }

        // Step 3
        foreach (var (suffix, replacement) in Step3)
        {
            if (!EndsWith(w, suffix))
            {
                continue;
            }

            if (w.Length - suffix.Length >= r1 && (suffix != "ative" || w.Length - suffix.Length >= r2))
            {
                Replace(w, suffix, replacement);
            }

            break;
        }

        // Step 4
        foreach (var suffix in Step4)
        {
            if (!EndsWith(w, suffix))
            {
                continue;
            }

            if (w.Length - suffix.Length >= r2)
            {
                if (suffix == "ion")
                {
                    if (w.Length > 3 && (w[^4] == 's' || w[^4] == 't'))
                    {
                        w.Length -= 3;
                    }
                }
                else
                {
                    w.Length -= suffix.Length;
                }
            }

            break;
        }

        // Step 5
        if (w.Length > 0 && w[^1] == 'e')
        {
            int at = w.Length - 1;
            if (at >= r2 || (at >= r1 && !EndsInShortSyllable(w, w.Length - 1)))
            {
                w.Length -= 1;
            }
        }
        else if (w.Length > 1 && w[^1] == 'l' && w.Length - 1 >= r2 && w[^2] == 'l')
        {
            w.Length -= 1;
        }

        return w.ToString().Replace('Y', 'y');
    }

    private static bool IsVowel(char c) => c is 'a' or 'e' or 'i' or 'o' or 'u' or 'y';

    private static int RegionStart(StringBuilder w, int from)
    {
        for (int i = from + 1; i < w.Length; i++)
        {
            if (!IsVowel(w[i]) && IsVowel(w[i - 1]))
            {
                return i + 1;
            }
        }

        return w.Length;
    }

    private static bool EndsWith(StringBuilder w, string suffix)
    {
        if (w.Length < suffix.Length)
        {
            return false;
        }

        for (int i = 0; i < suffix.Length; i++)
        {
            if (w[w.Length - suffix.Length + i] != suffix[i])
            {
                return false;
            }
        }

        return true;
    }

    private static void Replace(StringBuilder w, string suffix, string replacement)
    {
        w.Length -= suffix.Length;
        w.Append(replacement);
    }

    private static bool EndsWithDouble(StringBuilder w) =>
        w.Length >= 2 && w[^1] == w[^2] && "bdfgmnprt".Contains(w[^1], StringComparison.Ordinal);

    // A short syllable ending at position end - 1 (exclusive end).
    private static bool EndsInShortSyllable(StringBuilder w, int end)
    {
        if (end == 2)
        {
            return IsVowel(w[0]) && !IsVowel(w[1]);
        }

        if (end >= 3)
        {
            char a = w[end - 3], b = w[end - 2], c = w[end - 1];
            return !IsVowel(a) && IsVowel(b) && !IsVowel(c) && c is not ('w' or 'x' or 'Y');
        }

        return false;
    }

    private static bool IsShort(StringBuilder w, int r1) => r1 >= w.Length && EndsInShortSyllable(w, w.Length);
}

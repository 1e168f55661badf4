using System.Text;

namespace Multimodal.Sdk;

/// <summary>
/// The caption tokenization of pycocoevalcap: Stanford PTBTokenizer (CoreNLP 3.4.1) run with <c>-preserveLines
/// -lowerCase</c>, then the tokens <c>'' ' `` ` -LRB- -RRB- -LCB- -RCB- . ? ! , : - -- ... ;</c> dropped. This is a
/// re-implementation of the PTB rules that matter for captions, not the Java lexer.
/// </summary>
/// <remarks>
/// <para>Reproduced: lower case; punctuation split from words and dropped; clitics split as in the Penn Treebank
/// ("don't" -> "do n't", "can't" -> "ca n't", "dog's" -> "dog 's", "they're" -> "they 're"); "cannot" -> "can not",
/// "gonna" / "gotta" / "wanna" / "gimme" / "lemme" split before their last two letters; hyphenated words, decimals
/// ("3.5"), digit groups ("1,000", "3:30") and dotted abbreviations ("u.s.", "mr.") kept whole; brackets become
/// <c>-LSB-</c> / <c>-RSB-</c>, which pycocoevalcap does not drop; "/" and "*" are escaped as <c>\/</c> and
/// <c>\*</c> (PTB3 escaping of that CoreNLP version); "$", "#" and "%" are split off numbers and kept.</para>
/// <para>Known differences from the Java lexer: its full abbreviation list (here: a short list plus any word that
/// already contains a period), URLs, e-mail addresses, emoticons, SGML and some rare contractions ("'tis",
/// "d'ye"). On COCO-style captions these do not occur in practice; see docs/evaluation.md.</para>
/// <para>Stateless and safe for concurrent use.</para>
/// </remarks>
public static class CaptionTokenizer
{
    // pycocoevalcap's PUNCTUATIONS, in the token forms the PTB lexer emits.
    private static readonly HashSet<string> Dropped = new(
        ["''", "'", "``", "`", "-LRB-", "-RRB-", "-LCB-", "-RCB-", ".", "?", "!", ",", ":", "-", "--", "...", ";"],
        StringComparer.Ordinal);

    private static readonly HashSet<string> Abbreviations = new(
        ["mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "vs", "etc", "inc", "ltd", "co", "corp", "mt", "ft", "jan", "feb", "aug", "sept", "oct", "nov", "dec"],
        StringComparer.Ordinal);

    private static readonly string[] Clitics = ["n't", "'s", "'re", "'ve", "'ll", "'d", "'m"];

    private static readonly string[] Slang = ["gonna", "gotta", "wanna", "gimme", "lemme"];

    /// <summary>Tokenizes a caption the way pycocoevalcap does before scoring.</summary>
    /// <param name="caption">The raw caption.</param>
    /// <returns>Lower-case tokens with punctuation removed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="caption"/> is null.</exception>
    public static IReadOnlyList<string> Tokenize(string caption)
    {
        ArgumentNullException.ThrowIfNull(caption);
        var tokens = new List<string>();
        foreach (string chunk in Normalize(caption).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string token in TokenizeChunk(chunk))
            {
                if (!Dropped.Contains(token))
                {
                    tokens.Add(token);
                }
            }
        }

        return tokens;
    }

    /// <summary>Tokenizes a caption and joins the tokens with single spaces, the string form pycocoevalcap's scorers receive.</summary>
    /// <param name="caption">The raw caption.</param>
    /// <returns>The tokenized caption.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="caption"/> is null.</exception>
    public static string TokenizeToString(string caption) => string.Join(' ', Tokenize(caption));

    private static string Normalize(string caption)
    {
        var sb = new StringBuilder(caption.Length);
        foreach (char c in caption.ToLowerInvariant())
        {
            sb.Append(c switch
            {
                '\u2018' or '\u2019' or '\u201A' or '\u201B' => '\'',
                '\u201C' or '\u201D' or '\u201E' or '\u201F' => '"',
                '\u2013' or '\u2014' => '-',
                _ => c,
            });
        }

        return sb.ToString().Replace("\u2026", "...", StringComparison.Ordinal);
    }

    private static List<string> TokenizeChunk(string chunk)
    {
        var leading = new List<string>();
        var trailing = new List<string>();
        string word = chunk;

        // Peel punctuation from the front.
        while (word.Length > 0)
        {
            if (word.StartsWith("``", StringComparison.Ordinal) || word.StartsWith("--", StringComparison.Ordinal))
            {
                leading.Add(word[..2]);
                word = word[2..];
            }
            else if ("\"'`([{<$#-".Contains(word[0], StringComparison.Ordinal) && !(word[0] == '\'' && StartsWithClitic(word)))
            {
                leading.Add(Escape(word[0].ToString()));
                word = word[1..];
            }
            else
            {
                break;
            }
        }

        // Peel punctuation from the back; a final period stays on abbreviations.
        while (word.Length > 0)
        {
            if (word.EndsWith("...", StringComparison.Ordinal))
            {
                trailing.Insert(0, "...");
                word = word[..^3];
            }
            else if (word.EndsWith("--", StringComparison.Ordinal) || word.EndsWith("''", StringComparison.Ordinal))
            {
                trailing.Insert(0, word[^2..]);
                word = word[..^2];
            }
            else if (word[^1] == '.' && !IsAbbreviation(word))
            {
                trailing.Insert(0, ".");
                word = word[..^1];
            }
            else if (",;:?!\"`)]}>%-".Contains(word[^1], StringComparison.Ordinal))
            {
                trailing.Insert(0, Escape(word[^1].ToString()));
                word = word[..^1];
            }
            else if (word[^1] == '\'' && !EndsWithClitic(word))
            {
                trailing.Insert(0, "'");
                word = word[..^1];
            }
            else
            {
                break;
            }
        }

        var middle = new List<string>();
        if (word.Length > 0)
        {
            SplitInner(word, middle);
        }

        return [.. leading, .. middle, .. trailing];
    }

    // Splits punctuation inside a word (not between digits), then clitics and slang.
    private static void SplitInner(string word, List<string> output)
    {
        var piece = new StringBuilder();
        for (int i = 0; i < word.Length; i++)
        {
            char c = word[i];
            bool betweenDigits = i > 0 && i + 1 < word.Length && char.IsDigit(word[i - 1]) && char.IsDigit(word[i + 1]);
            bool splits = c is ';' or '!' or '?' or '"' or '(' or ')' or '[' or ']' or '{' or '}' or '<' or '>'
                || (c is ',' or ':' && !betweenDigits);
            if (splits)
            {
                FlushWord(piece, output);
                output.Add(Escape(c.ToString()));
            }
            else if ((c is '$' or '#') && i + 1 < word.Length && char.IsDigit(word[i + 1]))
            {
                FlushWord(piece, output);
                output.Add(c.ToString());
            }
            else if (c == '%' && i > 0 && char.IsDigit(word[i - 1]))
            {
                FlushWord(piece, output);
                output.Add("%");
            }
            else if (c == '-' && i + 1 < word.Length && word[i + 1] == '-')
            {
                FlushWord(piece, output);
                output.Add("--");
                i++;
            }
            else
            {
                piece.Append(c);
            }
        }

        FlushWord(piece, output);
    }

    private static void FlushWord(StringBuilder piece, List<string> output)
    {
        if (piece.Length == 0)
        {
            return;
        }

        string w = piece.ToString();
        piece.Clear();
        if (w == "cannot")
        {
            output.Add("can");
            output.Add("not");
            return;
        }

        if (Array.IndexOf(Slang, w) >= 0)
        {
            output.Add(w[..^2]);
            output.Add(w[^2..]);
            return;
        }

        foreach (string clitic in Clitics)
        {
            if (w.Length > clitic.Length && w.EndsWith(clitic, StringComparison.Ordinal) && char.IsLetter(w[^(clitic.Length + 1)]))
            {
                output.Add(EscapeWord(w[..^clitic.Length]));
                output.Add(clitic);
                return;
            }
        }

        output.Add(EscapeWord(w));
    }

    private static bool StartsWithClitic(string word) =>
        Clitics.Any(c => c[0] == '\'' && (word == c || (word.StartsWith(c, StringComparison.Ordinal) && !char.IsLetter(word[c.Length]))));

    private static bool EndsWithClitic(string word) => word.EndsWith("n't", StringComparison.Ordinal) && word.Length > 3;

    private static bool IsAbbreviation(string word)
    {
        string stem = word[..^1];
        return stem.Length > 0 && char.IsLetter(stem[^1]) && (stem.Contains('.', StringComparison.Ordinal) || Abbreviations.Contains(stem));
    }

    private static string Escape(string punctuation) => punctuation switch
    {
        "(" => "-LRB-",
        ")" => "-RRB-",
        "[" => "-LSB-",
        "]" => "-RSB-",
        "{" => "-LCB-",
        "}" => "-RCB-",
        "\"" => "''",
        _ => punctuation,
    };

    private static string EscapeWord(string word) =>
        word.Replace("/", "\\/", StringComparison.Ordinal).Replace("*", "\\*", StringComparison.Ordinal);
}

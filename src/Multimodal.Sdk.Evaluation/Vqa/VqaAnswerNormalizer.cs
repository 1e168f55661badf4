using System.Text.RegularExpressions;

namespace Multimodal.Sdk;

/// <summary>
/// The answer normalization of the official VQA evaluation (<c>vqaEval.py</c>, GT-Vision-Lab/VQA), reproduced rule for
/// rule including its quirks: punctuation is deleted when it touches a space (or when the answer contains a digit-comma-digit
/// group) and replaced by a space otherwise; a period not followed by a digit is deleted (at most 32 of them, because
/// the original passes <c>re.UNICODE</c> where <c>re.sub</c> expects a count); words are lower-cased, number words
/// zero to ten become digits ("none" becomes "0"), the articles a / an / the are dropped, and apostrophe-less
/// contractions are restored ("dont" becomes "don't").
/// </summary>
/// <remarks>Stateless and safe for concurrent use.</remarks>
public static partial class VqaAnswerNormalizer
{
    private static readonly string[] Punctuation =
        [";", "/", "[", "]", "\"", "{", "}", "(", ")", "=", "+", "\\", "_", "-", ">", "<", "@", "`", ",", "?", "!"];

    private static readonly Dictionary<string, string> NumberWords = new(StringComparer.Ordinal)
    {
        ["none"] = "0", ["zero"] = "0", ["one"] = "1", ["two"] = "2", ["three"] = "3", ["four"] = "4",
        ["five"] = "5", ["six"] = "6", ["seven"] = "7", ["eight"] = "8", ["nine"] = "9", ["ten"] = "10",
    };

    private static readonly HashSet<string> Articles = new(["a", "an", "the"], StringComparer.Ordinal);

    // The official table, keys as written there (a few capitalised keys can never match after lower-casing; kept for fidelity).
    private static readonly Dictionary<string, string> Contractions = new(StringComparer.Ordinal)
    {
        ["aint"] = "ain't", ["arent"] = "aren't", ["cant"] = "can't", ["couldve"] = "could've", ["couldnt"] = "couldn't",
        ["couldn'tve"] = "couldn't've", ["couldnt've"] = "couldn't've", ["didnt"] = "didn't", ["doesnt"] = "doesn't", ["dont"] = "don't", ["hadnt"] = "hadn't",
        ["hadnt've"] = "hadn't've", ["hadn'tve"] = "hadn't've", ["hasnt"] = "hasn't", ["havent"] = "haven't", ["hed"] = "he'd", ["hed've"] = "he'd've",
        ["he'dve"] = "he'd've", ["hes"] = "he's", ["howd"] = "how'd", ["howll"] = "how'll", ["hows"] = "how's", ["Id've"] = "I'd've", ["I'dve"] = "I'd've",
        ["Im"] = "I'm", ["Ive"] = "I've", ["isnt"] = "isn't", ["itd"] = "it'd", ["itd've"] = "it'd've", ["it'dve"] = "it'd've", ["itll"] = "it'll", ["let's"] = "let's",
        ["maam"] = "ma'am", ["mightnt"] = "mightn't", ["mightnt've"] = "mightn't've", ["mightn'tve"] = "mightn't've", ["mightve"] = "might've",
        ["mustnt"] = "mustn't", ["mustve"] = "must've", ["neednt"] = "needn't", ["notve"] = "not've", ["oclock"] = "o'clock", ["oughtnt"] = "oughtn't",
        ["ow's'at"] = "'ow's'at", ["'ows'at"] = "'ow's'at", ["'ow'sat"] = "'ow's'at", ["shant"] = "shan't", ["shed've"] = "she'd've", ["she'dve"] = "she'd've",
        ["she's"] = "she's", ["shouldve"] = "should've", ["shouldnt"] = "shouldn't", ["shouldnt've"] = "shouldn't've", ["shouldn'tve"] = "shouldn't've",
        ["somebody'd"] = "somebodyd", ["somebodyd've"] = "somebody'd've", ["somebody'dve"] = "somebody'd've", ["somebodyll"] = "somebody'll",
        ["somebodys"] = "somebody's", ["someoned"] = "someone'd", ["someoned've"] = "someone'd've", ["someone'dve"] = "someone'd've",
        ["someonell"] = "someone'll", ["someones"] = "someone's", ["somethingd"] = "something'd", ["somethingd've"] = "something'd've",
        ["something'dve"] = "something'd've", ["somethingll"] = "something'll", ["thats"] = "that's", ["thered"] = "there'd", ["thered've"] = "there'd've",
        ["there'dve"] = "there'd've", ["therere"] = "there're", ["theres"] = "there's", ["theyd"] = "they'd", ["theyd've"] = "they'd've",
        ["they'dve"] = "they'd've", ["theyll"] = "they'll", ["theyre"] = "they're", ["theyve"] = "they've", ["twas"] = "'twas", ["wasnt"] = "wasn't",
        ["wed've"] = "we'd've", ["we'dve"] = "we'd've", ["weve"] = "we've", ["werent"] = "weren't", ["whatll"] = "what'll", ["whatre"] = "what're",
        ["whats"] = "what's", ["whatve"] = "what've", ["whens"] = "when's", ["whered"] = "where'd", ["wheres"] = "where's", ["whereve"] = "where've",
        ["whod"] = "who'd", ["whod've"] = "who'd've", ["who'dve"] = "who'd've", ["wholl"] = "who'll", ["whos"] = "who's", ["whove"] = "who've", ["whyll"] = "why'll",
        ["whyre"] = "why're", ["whys"] = "why's", ["wont"] = "won't", ["wouldve"] = "would've", ["wouldnt"] = "wouldn't", ["wouldnt've"] = "wouldn't've",
        ["wouldn'tve"] = "wouldn't've", ["yall"] = "y'all", ["yall'll"] = "y'all'll", ["y'allll"] = "y'all'll", ["yall'd've"] = "y'all'd've",
        ["y'alld've"] = "y'all'd've", ["y'all'dve"] = "y'all'd've", ["youd"] = "you'd", ["youd've"] = "you'd've", ["you'dve"] = "you'd've",
        ["youll"] = "you'll", ["youre"] = "you're", ["youve"] = "you've",
    };

    /// <summary>Normalizes a predicted answer exactly as <c>vqaEval.py</c> normalizes <c>resAns</c>.</summary>
    /// <param name="answer">The raw answer.</param>
    /// <returns>The normalized answer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="answer"/> is null.</exception>
    public static string Normalize(string answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        string s = answer.Replace('\n', ' ').Replace('\t', ' ').Trim();
        return ProcessDigitArticle(ProcessPunctuation(s));
    }

    /// <summary>The punctuation step alone (<c>processPunctuation</c>), which the official code also applies to ground-truth answers.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The text with punctuation handled.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static string ProcessPunctuation(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string outText = text;
        bool hasDigitCommaDigit = CommaStrip().IsMatch(text);
        foreach (string p in Punctuation)
        {
            // The test reads the original text, the replacement writes the running one, as in the original.
            bool delete = text.Contains(p + " ", StringComparison.Ordinal) || text.Contains(" " + p, StringComparison.Ordinal) || hasDigitCommaDigit;
            outText = outText.Replace(p, delete ? string.Empty : " ", StringComparison.Ordinal);
        }

        return PeriodStrip().Replace(outText, string.Empty, 32);
    }

    private static string ProcessDigitArticle(string text)
    {
        var words = new List<string>();
        foreach (string raw in text.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            string word = NumberWords.GetValueOrDefault(raw, raw);
            if (!Articles.Contains(word))
            {
                words.Add(Contractions.GetValueOrDefault(word, word));
            }
        }

        return string.Join(' ', words);
    }

    [GeneratedRegex(@"(\d)(,)(\d)")]
    private static partial Regex CommaStrip();

    // Verbatim from vqaEval.py: "(?!<=\d)" is a (harmless) mistyped lookbehind, i.e. a lookahead for the text "<=digit".
    [GeneratedRegex(@"(?!<=\d)(\.)(?!\d)")]
    private static partial Regex PeriodStrip();
}

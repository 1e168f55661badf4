using System.Globalization;

namespace Multimodal.Sdk;

/// <summary>
/// METEOR 1.5's synonym dictionary rebuilt from the WordNet 3.0 database files: a word's synsets (from
/// <c>index.noun|verb|adj|adv</c>), its base forms from the exception lists (<c>*.exc</c>), and, failing those,
/// METEOR's own suffix rules (WordNet's morphy table). Two different words match when their synset sets intersect.
/// </summary>
internal sealed class WordNetSynonyms
{
    private static readonly string[] Parts = ["noun", "verb", "adj", "adv"];

    // METEOR's SynonymDictionary suffix table (noun, verb, adjective rules in that order).
    private static readonly string[] Suffixes = ["s", "ses", "xes", "zes", "ches", "shes", "men", "ies", "s", "ies", "es", "es", "ed", "ed", "ing", "ing", "er", "est", "er", "est"];
    private static readonly string[] Endings = ["", "s", "x", "z", "ch", "sh", "man", "y", "", "y", "e", "", "e", "", "e", "", "", "", "e", "e"];

    // A lemma may appear in several parts of speech; its synset keys (part * 1e8 + offset) are appended per part.
    private readonly Dictionary<string, long[]> wordToSynsets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> wordToBases = new(StringComparer.Ordinal);

    public WordNetSynonyms(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"WordNet directory '{directory}' does not exist. Install Debian's wordnet-base (files in /usr/share/wordnet) or point MeteorOptions.WordNetDirectory at a WordNet 3.0 'dict' folder.");
        }

        for (int p = 0; p < Parts.Length; p++)
        {
            string index = Path.Combine(directory, "index." + Parts[p]);
            if (!File.Exists(index))
            {
                throw new FileNotFoundException($"WordNet index file '{index}' is missing.", index);
            }

            foreach (string line in File.ReadLines(index))
            {
                if (line.Length == 0 || line[0] == ' ')
                {
                    continue; // licence header lines start with two spaces
                }

                AddIndexLine(line, (p + 1) * 100_000_000L);
            }

            string exceptions = Path.Combine(directory, Parts[p] + ".exc");
            if (File.Exists(exceptions))
            {
                foreach (string line in File.ReadLines(exceptions))
                {
                    string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (f.Length < 2)
                    {
                        continue;
                    }

                    if (!wordToBases.TryGetValue(f[0], out var bases))
                    {
                        wordToBases[f[0]] = bases = [];
                    }

                    for (int i = 1; i < f.Length; i++)
                    {
                        bases.Add(f[i]);
                    }
                }
            }
        }
    }

    // index.* line: lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
    private void AddIndexLine(string line, long partKey)
    {
        string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int synsetCount = int.Parse(f[2], CultureInfo.InvariantCulture);
        int first = 4 + int.Parse(f[3], CultureInfo.InvariantCulture) + 2;
        int count = Math.Min(synsetCount, f.Length - first);
        var keys = new long[count];
        for (int i = 0; i < count; i++)
        {
            keys[i] = partKey + long.Parse(f[first + i], CultureInfo.InvariantCulture);
        }

        wordToSynsets[f[0]] = wordToSynsets.TryGetValue(f[0], out var existing) ? [.. existing, .. keys] : keys;
    }

    /// <summary>The word's own synsets plus those of its base forms, as METEOR's SynonymMatcher collects them.</summary>
    public HashSet<long> SynsetsWithBases(string word)
    {
        var set = new HashSet<long>(SynSets(word));
        set.UnionWith(StemSynSets(word));
        return set;
    }

    private IEnumerable<long> SynSets(string word) => wordToSynsets.TryGetValue(word, out var set) ? set : [];

    private HashSet<long> StemSynSets(string word)
    {
        if (wordToBases.TryGetValue(word, out var bases))
        {
            var set = new HashSet<long>();
            foreach (var b in bases)
            {
                set.UnionWith(SynSets(b));
            }

            return set;
        }

        return [.. SynSets(Morph(word))];
    }

    // METEOR's morph(): a "ful" ending is remembered (and re-appended), the first suffix rule whose result is a WordNet
    // lemma wins, words ending in "ss" or of two letters or fewer stand for themselves, otherwise nothing.
    private string Morph(string word)
    {
        string end = word.EndsWith("ful", StringComparison.Ordinal) ? "ful" : string.Empty;
        if (word.EndsWith("ss", StringComparison.Ordinal) || word.Length <= 2)
        {
            return word;
        }

        for (int i = 0; i < Suffixes.Length; i++)
        {
            if (word.EndsWith(Suffixes[i], StringComparison.Ordinal))
            {
                string candidate = word[..^Suffixes[i].Length] + Endings[i];
                if (wordToSynsets.ContainsKey(candidate))
                {
                    return candidate + end;
                }
            }
        }

        return string.Empty;
    }
}

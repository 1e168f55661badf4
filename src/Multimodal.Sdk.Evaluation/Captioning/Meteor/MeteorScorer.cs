using System.Text.RegularExpressions;

namespace Multimodal.Sdk;

/// <summary>Construction-time settings of <see cref="MeteorScorer"/>.</summary>
/// <remarks>Mutable; read once by the <see cref="MeteorScorer"/> constructor.</remarks>
public sealed class MeteorOptions
{
    /// <summary>Gets or sets the folder with the WordNet 3.0 database files (<c>index.noun</c>, <c>noun.exc</c>, ...). Default: Debian's <c>/usr/share/wordnet</c>.</summary>
    public string WordNetDirectory { get; set; } = "/usr/share/wordnet";

    /// <summary>Gets or sets a value indicating whether the WordNet synonym stage runs (default). Without it, only exact and stem matches count.</summary>
    public bool UseSynonyms { get; set; } = true;

    /// <summary>
    /// Gets or sets the function words, weighted by 1 - delta instead of delta. METEOR 1.5 reads its own
    /// <c>function/english.words</c>, which is not available here; the default is empty (every word is a content word,
    /// so delta cancels). See docs/evaluation.md for the effect.
    /// </summary>
    public IReadOnlyCollection<string> FunctionWords { get; set; } = [];

    /// <summary>Creates a shallow copy.</summary>
    /// <returns>The copy.</returns>
    public MeteorOptions Clone() => new() { WordNetDirectory = WordNetDirectory, UseSynonyms = UseSynonyms, FunctionWords = FunctionWords };
}

/// <summary>
/// METEOR 1.5 as pycocoevalcap runs it (<c>-l en -norm</c>, the default "rank" task): alpha 0.85, beta 0.20,
/// gamma 0.60, delta 0.75, module weights exact 1.0 / stem 0.6 / synonym 0.8; the best reference per segment; the corpus
/// score from summed statistics. Without METEOR's paraphrase table (weight 0.6) and function-word list: see
/// docs/evaluation.md for where this can differ from the Java METEOR.
/// </summary>
/// <remarks>Loading WordNet takes about a second; create one scorer and share it. Safe for concurrent use after construction.</remarks>
public sealed partial class MeteorScorer
{
    private const double Alpha = 0.85;
    private const double Beta = 0.20;
    private const double Gamma = 0.60;
    private const double Delta = 0.75;
    private static readonly double[] ModuleWeights = [1.0, 0.6, 0.8];

    private readonly MeteorAligner aligner;
    private readonly HashSet<string> functionWords;

    /// <summary>Creates a scorer, loading WordNet when synonyms are enabled.</summary>
    /// <param name="options">Settings; null for the defaults.</param>
    /// <exception cref="DirectoryNotFoundException">Synonyms are enabled and the WordNet folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">A WordNet index file is missing.</exception>
    public MeteorScorer(MeteorOptions? options = null)
    {
        options ??= new MeteorOptions();
        aligner = new MeteorAligner(options.UseSynonyms ? new WordNetSynonyms(options.WordNetDirectory) : null);
        functionWords = new HashSet<string>(options.FunctionWords ?? [], StringComparer.Ordinal);
    }

    /// <summary>Scores one hypothesis against its references (METEOR's per-segment score).</summary>
    /// <param name="hypothesis">The hypothesis (pycocoevalcap passes PTB-tokenized text).</param>
    /// <param name="references">The references.</param>
    /// <returns>The METEOR score in [0, 1].</returns>
    /// <exception cref="ArgumentNullException">An argument or element is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="references"/> is empty.</exception>
    public double Score(string hypothesis, IReadOnlyList<string> references)
    {
        ArgumentNullException.ThrowIfNull(hypothesis);
        ArgumentNullException.ThrowIfNull(references);
        if (references.Count == 0)
        {
            throw new ArgumentException("At least one reference is required.", nameof(references));
        }

        return Compute(Best(hypothesis, references));
    }

    internal (double Corpus, double[] PerSegment) ScoreCorpus(string[] hypotheses, string[][] references)
    {
        var total = new Stats();
        var perSegment = new double[hypotheses.Length];
        for (int i = 0; i < hypotheses.Length; i++)
        {
            var stats = Best(hypotheses[i], references[i]);
            perSegment[i] = Compute(stats);
            total.Add(stats);
        }

        return (Compute(total), perSegment);
    }

    private Stats Best(string hypothesis, IReadOnlyList<string> references)
    {
        // pycocoevalcap strips "|||" and double spaces from the hypothesis before sending it.
        string[] test = Words(hypothesis.Replace("|||", string.Empty, StringComparison.Ordinal).Replace("  ", " ", StringComparison.Ordinal));
        Stats? best = null;
        double bestScore = -1;
        foreach (string reference in references)
        {
            ArgumentNullException.ThrowIfNull(reference, nameof(references));
            var stats = Align(test, Words(reference));
            double score = Compute(stats);
            if (score > bestScore)
            {
                best = stats;
                bestScore = score;
            }
        }

        return best!;
    }

    private Stats Align(string[] test, string[] reference)
    {
        var matches = aligner.Align(test, reference);
        var s = new Stats { TestLength = test.Length, RefLength = reference.Length };
        var testFunction = test.Select(w => functionWords.Contains(w)).ToArray();
        var refFunction = reference.Select(w => functionWords.Contains(w)).ToArray();
        s.TestFunctionWords = testFunction.Count(f => f);
        s.RefFunctionWords = refFunction.Count(f => f);
        int lastMatchEnd = -1;
        foreach (var m in matches)
        {
            if (m is null)
            {
                if (lastMatchEnd != -1)
                {
                    s.Chunks++;
                    lastMatchEnd = -1;
                }

                continue;
            }

            (testFunction[m.TestIndex] ? s.TestFunction : s.TestContent)[m.Module]++;
            (refFunction[m.RefIndex] ? s.RefFunction : s.RefContent)[m.Module]++;
            if (lastMatchEnd != -1 && m.TestIndex != lastMatchEnd)
            {
                s.Chunks++;
            }

            lastMatchEnd = m.TestIndex + 1;
        }

        if (lastMatchEnd != -1)
        {
            s.Chunks++;
        }

        for (int k = 0; k < MeteorAligner.ModuleCount; k++)
        {
            s.TestWordMatches += s.TestContent[k] + s.TestFunction[k];
            s.RefWordMatches += s.RefContent[k] + s.RefFunction[k];
        }

        s.TestTotalMatches = s.TestWordMatches;
        s.RefTotalMatches = s.RefWordMatches;
        return s;
    }

    // MeteorScorer.computeMetrics, term for term.
    private static double Compute(Stats s)
    {
        double testWeightedLength = (Delta * (s.TestLength - s.TestFunctionWords)) + ((1.0 - Delta) * s.TestFunctionWords);
        double refWeightedLength = (Delta * (s.RefLength - s.RefFunctionWords)) + ((1.0 - Delta) * s.RefFunctionWords);
        double testWeighted = 0, refWeighted = 0;
        for (int i = 0; i < MeteorAligner.ModuleCount; i++)
        {
            testWeighted += s.TestContent[i] * ModuleWeights[i] * Delta;
        }

        for (int i = 0; i < MeteorAligner.ModuleCount; i++)
        {
            refWeighted += s.RefContent[i] * ModuleWeights[i] * Delta;
        }

        for (int i = 0; i < MeteorAligner.ModuleCount; i++)
        {
            testWeighted += s.TestFunction[i] * ModuleWeights[i] * (1.0 - Delta);
        }

        for (int i = 0; i < MeteorAligner.ModuleCount; i++)
        {
            refWeighted += s.RefFunction[i] * ModuleWeights[i] * (1.0 - Delta);
        }

        double precision = testWeighted / testWeightedLength;
        double recall = refWeighted / refWeightedLength;
        double fMean = 1.0 / (((1.0 - Alpha) / precision) + (Alpha / recall));
        double frag = s.TestTotalMatches == s.TestLength && s.RefTotalMatches == s.RefLength && s.Chunks == 1
            ? 0
            : s.Chunks / ((s.TestWordMatches + s.RefWordMatches) / 2.0);
        double score = fMean * (1.0 - (Gamma * Math.Pow(frag, Beta)));
        return double.IsNaN(score) ? 0 : Math.Max(score, 0.0);
    }

    // METEOR's -norm (NORMALIZE_KEEP_PUNCT): lower case, NIST-style punctuation tokenization, collapse spaces.
    private static string[] Words(string line)
    {
        string s = " " + line.ToLowerInvariant() + " ";
        s = Punct1().Replace(s, " $1 ");
        s = Punct2().Replace(s, "$1 $2 ");
        s = Punct3().Replace(s, " $1 $2");
        s = Punct4().Replace(s, "$1 $2 ");
        s = Punct5().Replace(s, " ");
        return s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
    }

    [GeneratedRegex(@"([\{-\~\[-\` -\&\(-\+\:-\@\/])")]
    private static partial Regex Punct1();

    [GeneratedRegex(@"([^0-9])([\.,])")]
    private static partial Regex Punct2();

    [GeneratedRegex(@"([\.,])([^0-9])")]
    private static partial Regex Punct3();

    [GeneratedRegex(@"([0-9])(-)")]
    private static partial Regex Punct4();

    [GeneratedRegex(@"[_#]")]
    private static partial Regex Punct5();

    private sealed class Stats
    {
        public int TestLength { get; set; }

        public int RefLength { get; set; }

        public int TestFunctionWords { get; set; }

        public int RefFunctionWords { get; set; }

        public int[] TestContent { get; } = new int[MeteorAligner.ModuleCount];

        public int[] RefContent { get; } = new int[MeteorAligner.ModuleCount];

        public int[] TestFunction { get; } = new int[MeteorAligner.ModuleCount];

        public int[] RefFunction { get; } = new int[MeteorAligner.ModuleCount];

        public int Chunks { get; set; }

        public int TestWordMatches { get; set; }

        public int RefWordMatches { get; set; }

        public int TestTotalMatches { get; set; }

        public int RefTotalMatches { get; set; }

        public void Add(Stats o)
        {
            TestLength += o.TestLength;
            RefLength += o.RefLength;
            TestFunctionWords += o.TestFunctionWords;
            RefFunctionWords += o.RefFunctionWords;
            Chunks += o.Chunks;
            TestWordMatches += o.TestWordMatches;
            RefWordMatches += o.RefWordMatches;
            TestTotalMatches += o.TestTotalMatches;
            RefTotalMatches += o.RefTotalMatches;
            for (int i = 0; i < MeteorAligner.ModuleCount; i++)
            {
                TestContent[i] += o.TestContent[i];
                RefContent[i] += o.RefContent[i];
                TestFunction[i] += o.TestFunction[i];
                RefFunction[i] += o.RefFunction[i];
            }
        }
    }
}

namespace Multimodal.Sdk;

/// <summary>
/// Corpus BLEU-1..4 exactly as pycocoevalcap's <c>bleu_scorer.py</c> (option "closest"): clipped n-gram counts summed
/// over the corpus, the closest reference length per image (ties to the shorter), the tiny / small constants that keep
/// zero counts finite, and one brevity penalty from the summed lengths.
/// </summary>
internal static class BleuScorer
{
    private const double Tiny = 1e-15;
    private const double Small = 1e-9;

    public static double[] Compute(IReadOnlyList<(string[] Hypothesis, string[][] References)> items, int maxN = 4)
    {
        var guess = new long[maxN];
        var correct = new long[maxN];
        long testLength = 0, referenceLength = 0;
        foreach (var (hypothesis, references) in items)
        {
            var maxCounts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var reference in references)
            {
                foreach (var (ngram, count) in NGrams.Count(reference, maxN))
                {
                    maxCounts[ngram] = Math.Max(maxCounts.GetValueOrDefault(ngram), count);
                }
            }

            int length = hypothesis.Length;
            testLength += length;
            int closest = references[0].Length;
            foreach (var reference in references)
            {
                int l = reference.Length;
                int d = Math.Abs(l - length), best = Math.Abs(closest - length);
                if (d < best || (d == best && l < closest))
                {
                    closest = l;
                }
            }

            referenceLength += closest;
            for (int k = 0; k < maxN; k++)
            {
                guess[k] += Math.Max(0, length - k);
            }

            foreach (var (ngram, count) in NGrams.Count(hypothesis, maxN))
            {
                correct[NGrams.Order(ngram) - 1] += Math.Min(maxCounts.GetValueOrDefault(ngram), count);
            }
        }

        var bleus = new double[maxN];
        double ratio = (testLength + Tiny) / (referenceLength + Small);
        for (int n = 1; n <= maxN; n++)
        {
            double bleu = 1.0;
            for (int k = 0; k < n; k++)
            {
                bleu *= (correct[k] + Tiny) / (guess[k] + Small);
            }

            bleus[n - 1] = Math.Pow(bleu, 1.0 / n);
            if (ratio < 1)
            {
                bleus[n - 1] *= Math.Exp(1 - (1 / ratio));
            }
        }

        return bleus;
    }
}

/// <summary>N-gram counting shared by BLEU and CIDEr; an n-gram is its words joined by a single space.</summary>
internal static class NGrams
{
    public static Dictionary<string, int> Count(string[] words, int maxN)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int n = 1; n <= maxN; n++)
        {
            for (int i = 0; i + n <= words.Length; i++)
            {
                string ngram = string.Join(' ', words, i, n);
                counts[ngram] = counts.GetValueOrDefault(ngram) + 1;
            }
        }

        return counts;
    }

    public static int Order(string ngram) => ngram.Count(c => c == ' ') + 1;
}

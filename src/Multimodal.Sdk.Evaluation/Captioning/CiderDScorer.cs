namespace Multimodal.Sdk;

/// <summary>
/// CIDEr-D as pycocoevalcap's <c>cider_scorer.py</c>: TF-IDF vectors of 1..4-grams with document frequencies over the
/// references of the evaluated set, clipped hypothesis weights, a Gaussian length penalty with sigma = 6, the mean
/// over n and over references, times 10.
/// </summary>
/// <remarks>
/// Reproduced quirks: the "length" in the penalty counts bigrams (the original's <c>if n == 1</c> indexes orders from
/// 0), and a hypothesis n-gram unseen in every reference gets the full log(N) weight. One deliberate difference: where
/// a vector of some order is all zeros (e.g. a one-word hypothesis has no bigrams, or a single-image set makes every
/// IDF zero) pycocoevalcap divides 0 by 0 and returns NaN for the whole corpus; here that order contributes 0, as
/// the CIDEr-D reference implementation (vrama91/cider) does.
/// </remarks>
internal static class CiderDScorer
{
    private const int MaxN = 4;
    private const double Sigma = 6.0;

    public static double[] Score(IReadOnlyList<(string[] Hypothesis, string[][] References)> items)
    {
        var documentFrequency = new Dictionary<string, double>(StringComparer.Ordinal);
        var refCounts = new List<Dictionary<string, int>[]>(items.Count);
        foreach (var (_, references) in items)
        {
            var counts = references.Select(r => NGrams.Count(r, MaxN)).ToArray();
            refCounts.Add(counts);
            foreach (var ngram in counts.SelectMany(c => c.Keys).Distinct(StringComparer.Ordinal))
            {
                documentFrequency[ngram] = documentFrequency.GetValueOrDefault(ngram) + 1;
            }
        }

        double refLength = Math.Log(items.Count);
        var scores = new double[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            var (vec, norm, length) = ToVector(NGrams.Count(items[i].Hypothesis, MaxN), documentFrequency, refLength);
            var score = new double[MaxN];
            foreach (var refCount in refCounts[i])
            {
                var (vecRef, normRef, lengthRef) = ToVector(refCount, documentFrequency, refLength);
                double delta = length - lengthRef;
                for (int n = 0; n < MaxN; n++)
                {
                    double val = 0;
                    foreach (var (ngram, weight) in vec[n])
                    {
                        double r = vecRef[n].GetValueOrDefault(ngram);
                        val += Math.Min(weight, r) * r;
                    }

                    double denominator = norm[n] * normRef[n];
                    val = denominator != 0 ? val / denominator : 0;
                    val *= Math.Pow(Math.E, -(delta * delta) / (2 * Sigma * Sigma));
                    score[n] += val;
                }
            }

            double mean = 0;
            foreach (double s in score)
            {
                mean += s;
            }

            scores[i] = mean / MaxN / refCounts[i].Length * 10.0;
        }

        return scores;
    }

    private static (Dictionary<string, double>[] Vec, double[] Norm, int Length) ToVector(
        Dictionary<string, int> counts, Dictionary<string, double> documentFrequency, double refLength)
    {
        var vec = new Dictionary<string, double>[MaxN];
        for (int n = 0; n < MaxN; n++)
        {
            vec[n] = new Dictionary<string, double>(StringComparer.Ordinal);
        }

        var norm = new double[MaxN];
        int length = 0;
        foreach (var (ngram, termFrequency) in counts)
        {
            double df = Math.Log(Math.Max(1.0, documentFrequency.GetValueOrDefault(ngram)));
            int n = NGrams.Order(ngram) - 1;
            double weight = termFrequency * (refLength - df);
            vec[n][ngram] = weight;
            norm[n] += weight * weight;
            if (n == 1)
            {
                length += termFrequency;
            }
        }

        for (int n = 0; n < MaxN; n++)
        {
            norm[n] = Math.Sqrt(norm[n]);
        }

        return (vec, norm, length);
    }
}

namespace Multimodal.Sdk;

/// <summary>
/// ROUGE-L as pycocoevalcap's <c>rouge.py</c>: LCS precision and recall against each reference, the maximum of each
/// over the references, F with beta = 1.2. Words come from splitting on single spaces, so an empty caption is one
/// empty word, as in the original.
/// </summary>
internal static class RougeLScorer
{
    private const double Beta = 1.2;

    public static double Score(string hypothesis, IReadOnlyList<string> references)
    {
        string[] candidate = hypothesis.Split(' ');
        double precisionMax = 0, recallMax = 0;
        foreach (string reference in references)
        {
            string[] tokens = reference.Split(' ');
            int lcs = Lcs(tokens, candidate);
            precisionMax = Math.Max(precisionMax, lcs / (double)candidate.Length);
            recallMax = Math.Max(recallMax, lcs / (double)tokens.Length);
        }

        return precisionMax != 0 && recallMax != 0
            ? (1 + (Beta * Beta)) * precisionMax * recallMax / (recallMax + (Beta * Beta * precisionMax))
            : 0.0;
    }

    private static int Lcs(string[] a, string[] b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                current[j] = string.Equals(a[i - 1], b[j - 1], StringComparison.Ordinal)
                    ? previous[j - 1] + 1
                    : Math.Max(previous[j], current[j - 1]);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}

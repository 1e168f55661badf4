using System.Text.RegularExpressions;

namespace Multimodal.Sdk;

/// <summary>
/// Word and character error rates as jiwer 3 computes them: Levenshtein alignment with unit costs, errors summed over
/// the corpus and divided by the summed reference length, and jiwer's default splitting (words: runs of two or more
/// whitespace characters collapsed, ends stripped, split on spaces; characters: ends stripped, every character including
/// spaces is a unit).
/// </summary>
/// <remarks>
/// <para>
/// Empty references: jiwer raises an error for any empty reference. Silent utterances are legitimate test data, so
/// here an empty reference is allowed: its utterance rate is 0 when the hypothesis is empty too and 1 otherwise (every
/// hypothesized unit is an insertion: the rate is capped at 100% instead of insertions over zero reference units,
/// which is infinite and breaks JSON reports and averages); <see cref="ErrorRateResult.Insertions"/> still counts them.
/// The corpus rate counts an empty reference's insertions in the numerator and nothing in the denominator (as sclite
/// does); a corpus whose references are all empty has rate 0 with an empty hypothesis and 1 otherwise.
/// </para>
/// <para>
/// When several minimum-cost alignments exist (for example "a b" against "b a"), the rate is the same for all of them
/// but the split between substitutions and deletion + insertion pairs depends on the tie-break. This implementation
/// follows rapidfuzz's (which jiwer calls): common prefix and suffix are matches, and the walk back through the
/// Levenshtein matrix prefers a deletion, then an insertion, then the diagonal exactly as its
/// <c>recover_alignment</c> does. rapidfuzz switches to Hirschberg's algorithm for very long inputs (thousands of
/// units on both sides), where its tie-breaks may differ.
/// </para>
/// <para>All members are stateless and safe for concurrent use.</para>
/// </remarks>
public static partial class ErrorRate
{
    /// <summary>Computes the word error rate of one hypothesis against one reference.</summary>
    /// <param name="reference">The reference transcript.</param>
    /// <param name="hypothesis">The recognized transcript.</param>
    /// <param name="normalizer">Optional text normalizer applied to both sides first, e.g. <see cref="EnglishTextNormalizer.Normalize"/>.</param>
    /// <returns>The result; <see cref="ErrorRateResult.Rate"/> is the WER.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static ErrorRateResult Wer(string reference, string hypothesis, Func<string, string>? normalizer = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(hypothesis);
        return Wer([reference], [hypothesis], normalizer);
    }

    /// <summary>Computes the corpus word error rate of hypotheses against references, paired by position.</summary>
    /// <param name="references">The reference transcripts.</param>
    /// <param name="hypotheses">The recognized transcripts, one per reference.</param>
    /// <param name="normalizer">Optional text normalizer applied to both sides first.</param>
    /// <returns>The corpus result with per-utterance details.</returns>
    /// <exception cref="ArgumentNullException">An argument or an element is null.</exception>
    /// <exception cref="ArgumentException">The lists have different lengths or are empty.</exception>
    public static ErrorRateResult Wer(IReadOnlyList<string> references, IReadOnlyList<string> hypotheses, Func<string, string>? normalizer = null) =>
        Compute(references, hypotheses, normalizer, SplitWords);

    /// <summary>Computes the character error rate of one hypothesis against one reference.</summary>
    /// <param name="reference">The reference transcript.</param>
    /// <param name="hypothesis">The recognized transcript.</param>
    /// <param name="normalizer">Optional text normalizer applied to both sides first.</param>
    /// <returns>The result; <see cref="ErrorRateResult.Rate"/> is the CER.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static ErrorRateResult Cer(string reference, string hypothesis, Func<string, string>? normalizer = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(hypothesis);
        return Cer([reference], [hypothesis], normalizer);
    }

    /// <summary>Computes the corpus character error rate (spaces count as characters, as in jiwer).</summary>
    /// <param name="references">The reference transcripts.</param>
    /// <param name="hypotheses">The recognized transcripts, one per reference.</param>
    /// <param name="normalizer">Optional text normalizer applied to both sides first.</param>
    /// <returns>The corpus result with per-utterance details.</returns>
    /// <exception cref="ArgumentNullException">An argument or an element is null.</exception>
    /// <exception cref="ArgumentException">The lists have different lengths or are empty.</exception>
    public static ErrorRateResult Cer(IReadOnlyList<string> references, IReadOnlyList<string> hypotheses, Func<string, string>? normalizer = null) =>
        Compute(references, hypotheses, normalizer, SplitCharacters);

    private static ErrorRateResult Compute(IReadOnlyList<string> references, IReadOnlyList<string> hypotheses, Func<string, string>? normalizer, Func<string, string[]> split)
    {
        ArgumentNullException.ThrowIfNull(references);
        ArgumentNullException.ThrowIfNull(hypotheses);
        if (references.Count != hypotheses.Count)
        {
            throw new ArgumentException($"Got {references.Count} references but {hypotheses.Count} hypotheses; they are paired by position and must have the same count.", nameof(hypotheses));
        }

        if (references.Count == 0)
        {
            throw new ArgumentException("At least one reference / hypothesis pair is required.", nameof(references));
        }

        var utterances = new UtteranceErrorRate[references.Count];
        int h = 0, s = 0, d = 0, i = 0;
        for (int n = 0; n < references.Count; n++)
        {
            string r = references[n] ?? throw new ArgumentNullException(nameof(references), $"Reference {n} is null.");
            string y = hypotheses[n] ?? throw new ArgumentNullException(nameof(hypotheses), $"Hypothesis {n} is null.");
            if (normalizer is not null)
            {
                r = normalizer(r);
                y = normalizer(y);
            }

            var u = Align(split(r), split(y));
            utterances[n] = u;
            h += u.Hits;
            s += u.Substitutions;
            d += u.Deletions;
            i += u.Insertions;
        }

        return new ErrorRateResult(Rate(s + d + i, h + s + d), h, s, d, i, utterances);
    }

    private static double Rate(int errors, int referenceLength) =>
        referenceLength > 0 ? (double)errors / referenceLength : errors == 0 ? 0.0 : 1.0;

    // jiwer's wer_default: RemoveMultipleSpaces (\s\s+ -> " "), Strip, split on " " dropping empty pieces.
    private static string[] SplitWords(string text) =>
        MultipleSpaces().Replace(text, " ").Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);

    // jiwer's cer_default: Strip, then every code point (spaces included) is a unit.
    private static string[] SplitCharacters(string text)
    {
        var units = new List<string>();
        foreach (var rune in text.Trim().EnumerateRunes())
        {
            units.Add(rune.ToString());
        }

        return [.. units];
    }

    internal static UtteranceErrorRate Align(string[] reference, string[] hypothesis)
    {
        // rapidfuzz (which jiwer calls) first sets the common prefix and suffix aside as matches.
        int prefix = 0;
        while (prefix < reference.Length && prefix < hypothesis.Length && Same(reference[prefix], hypothesis[prefix]))
        {
            prefix++;
        }

        int suffix = 0;
        while (suffix < reference.Length - prefix && suffix < hypothesis.Length - prefix
            && Same(reference[reference.Length - 1 - suffix], hypothesis[hypothesis.Length - 1 - suffix]))
        {
            suffix++;
        }

        int n = reference.Length - prefix - suffix, m = hypothesis.Length - prefix - suffix;
        string R(int k) => reference[prefix + k];
        string Y(int k) => hypothesis[prefix + k];
        var cost = new int[n + 1, m + 1];
        for (int a = 0; a <= n; a++)
        {
            cost[a, 0] = a;
        }

        for (int b = 0; b <= m; b++)
        {
            cost[0, b] = b;
        }

        for (int a = 1; a <= n; a++)
        {
            for (int b = 1; b <= m; b++)
            {
                int diagonal = cost[a - 1, b - 1] + (Same(R(a - 1), Y(b - 1)) ? 0 : 1);
                cost[a, b] = Math.Min(diagonal, Math.Min(cost[a - 1, b] + 1, cost[a, b - 1] + 1));
            }
        }

        // Walk back from the end in the order of rapidfuzz's recover_alignment, so that among equally cheap
        // alignments the same one is chosen: a deletion when the cell is one more than the cell above; otherwise an
        // insertion when, one hypothesis unit back, the cell is one less than the cell above; otherwise the diagonal.
        var steps = new List<EditKind>(reference.Length + hypothesis.Length);
        steps.AddRange(Enumerable.Repeat(EditKind.Equal, suffix));
        int i = n, j = m;
        while (i > 0 && j > 0)
        {
            if (cost[i, j] - cost[i - 1, j] == 1)
            {
                steps.Add(EditKind.Delete);
                i--;
                continue;
            }

            j--;
            if (j > 0 && cost[i, j] - cost[i - 1, j] == -1)
            {
                steps.Add(EditKind.Insert);
                continue;
            }

            i--;
            steps.Add(Same(R(i), Y(j)) ? EditKind.Equal : EditKind.Substitute);
        }

        for (; i > 0; i--)
        {
            steps.Add(EditKind.Delete);
        }

        for (; j > 0; j--)
        {
            steps.Add(EditKind.Insert);
        }

        steps.AddRange(Enumerable.Repeat(EditKind.Equal, prefix));
        steps.Reverse();
        var chunks = new List<AlignmentChunk>();
        int hits = 0, subs = 0, dels = 0, ins = 0;
        int ri = 0, hi = 0;
        int k = 0;
        while (k < steps.Count)
        {
            var kind = steps[k];
            int r0 = ri, h0 = hi;
            while (k < steps.Count && steps[k] == kind)
            {
                if (kind != EditKind.Insert)
                {
                    ri++;
                }

                if (kind != EditKind.Delete)
                {
                    hi++;
                }

                k++;
            }

            chunks.Add(new AlignmentChunk(kind, r0, ri, h0, hi));
            switch (kind)
            {
                case EditKind.Equal: hits += ri - r0; break;
                case EditKind.Substitute: subs += ri - r0; break;
                case EditKind.Delete: dels += ri - r0; break;
                default: ins += hi - h0; break;
            }
        }

        return new UtteranceErrorRate(Rate(subs + dels + ins, hits + subs + dels), hits, subs, dels, ins, reference, hypothesis, chunks);
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.Ordinal);

    [GeneratedRegex(@"\s\s+")]
    private static partial Regex MultipleSpaces();
}

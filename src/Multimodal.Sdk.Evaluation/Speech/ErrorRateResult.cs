namespace Multimodal.Sdk;

/// <summary>What one stretch of an alignment between a reference and a hypothesis does.</summary>
public enum EditKind
{
    /// <summary>Reference and hypothesis units are the same (hits).</summary>
    Equal,

    /// <summary>Reference units replaced by as many hypothesis units.</summary>
    Substitute,

    /// <summary>Reference units missing from the hypothesis.</summary>
    Delete,

    /// <summary>Hypothesis units with no reference counterpart.</summary>
    Insert,
}

/// <summary>
/// One run of the same edit in an alignment, as half-open index ranges into the reference and hypothesis units
/// (words for WER, characters for CER). Mirrors jiwer's <c>AlignmentChunk</c>.
/// </summary>
/// <param name="Kind">The edit.</param>
/// <param name="ReferenceStart">First reference unit of the run.</param>
/// <param name="ReferenceEnd">One past the last reference unit (equal to the start for an insertion).</param>
/// <param name="HypothesisStart">First hypothesis unit of the run.</param>
/// <param name="HypothesisEnd">One past the last hypothesis unit (equal to the start for a deletion).</param>
/// <remarks>Immutable (its collections are not modified after creation); safe to share between threads.</remarks>
public sealed record AlignmentChunk(EditKind Kind, int ReferenceStart, int ReferenceEnd, int HypothesisStart, int HypothesisEnd);

/// <summary>Error counts and rate of one reference / hypothesis pair.</summary>
/// <param name="Rate">(S + D + I) / (H + S + D); see <see cref="ErrorRate"/> for an empty reference.</param>
/// <param name="Hits">Units that match.</param>
/// <param name="Substitutions">Units substituted.</param>
/// <param name="Deletions">Reference units deleted.</param>
/// <param name="Insertions">Hypothesis units inserted.</param>
/// <param name="Reference">The reference units after normalization and splitting.</param>
/// <param name="Hypothesis">The hypothesis units after normalization and splitting.</param>
/// <param name="Alignment">The alignment as runs of equal edits, in order.</param>
/// <remarks>Immutable (its collections are not modified after creation); safe to share between threads.</remarks>
public sealed record UtteranceErrorRate(
    double Rate,
    int Hits,
    int Substitutions,
    int Deletions,
    int Insertions,
    IReadOnlyList<string> Reference,
    IReadOnlyList<string> Hypothesis,
    IReadOnlyList<AlignmentChunk> Alignment);

/// <summary>
/// Corpus-level error rate (errors summed over all utterances, then divided by the summed reference length, as
/// jiwer computes it) with the counts and each utterance's own result.
/// </summary>
/// <param name="Rate">(S + D + I) / (H + S + D) over the whole corpus.</param>
/// <param name="Hits">Total hits.</param>
/// <param name="Substitutions">Total substitutions.</param>
/// <param name="Deletions">Total deletions.</param>
/// <param name="Insertions">Total insertions.</param>
/// <param name="Utterances">Per-utterance results, in input order.</param>
/// <remarks>Immutable (its collections are not modified after creation); safe to share between threads.</remarks>
public sealed record ErrorRateResult(
    double Rate,
    int Hits,
    int Substitutions,
    int Deletions,
    int Insertions,
    IReadOnlyList<UtteranceErrorRate> Utterances)
{
    /// <summary>Gets the number of reference units, H + S + D.</summary>
    public int ReferenceLength => Hits + Substitutions + Deletions;
}

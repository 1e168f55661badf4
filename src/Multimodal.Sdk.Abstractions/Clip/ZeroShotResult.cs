namespace Multimodal.Sdk;

/// <summary>One label and its probability among the labels offered.</summary>
/// <param name="Label">The label as given.</param>
/// <param name="Score">The softmax probability over all labels offered, in [0, 1].</param>
public sealed record LabelScore(string Label, float Score);

/// <summary>The result of classifying one image against a set of labels.</summary>
/// <param name="Labels">Labels with their probabilities, best first (at most <see cref="ZeroShotOptions.TopK"/>).</param>
public sealed record ZeroShotResult(IReadOnlyList<LabelScore> Labels)
{
    /// <summary>Gets the best label.</summary>
    public LabelScore Top => Labels[0];
}

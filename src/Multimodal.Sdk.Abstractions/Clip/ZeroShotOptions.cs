namespace Multimodal.Sdk;

/// <summary>Per-call settings of zero-shot classification.</summary>
/// <remarks>Not safe for concurrent mutation; copy with <see cref="Clone"/>.</remarks>
public sealed class ZeroShotOptions
{
    /// <summary>The placeholder a template uses for the label.</summary>
    public const string LabelPlaceholder = "{label}";

    /// <summary>
    /// Gets or sets the prompt templates; each must contain <c>{label}</c>. With several templates, each label's
    /// text embedding is the normalized mean over the templates (prompt ensembling). Default: <c>a photo of a {label}</c>.
    /// </summary>
    public IList<string> Templates { get; set; } = ["a photo of a {label}"];

    /// <summary>Gets or sets how many labels to return, best first; <see langword="null"/> returns all.</summary>
    public int? TopK { get; set; }

    /// <summary>Creates a copy whose template list is not shared.</summary>
    /// <returns>The copy.</returns>
    public ZeroShotOptions Clone() => new() { Templates = [.. Templates], TopK = TopK };
}

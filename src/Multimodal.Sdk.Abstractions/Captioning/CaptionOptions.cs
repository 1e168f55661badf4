namespace Multimodal.Sdk;

/// <summary>Per-call captioning settings: the decoding knobs of <see cref="GenerationOptions"/> plus a text prefix.</summary>
/// <remarks>Not safe for concurrent mutation; pipelines copy it at the start of a call.</remarks>
public class CaptionOptions : GenerationOptions
{
    /// <summary>
    /// Gets or sets text the caption must start with (conditional captioning). The prefix is part of the returned
    /// caption.
    /// </summary>
    public string? Prefix { get; set; }

    /// <inheritdoc/>
    public override CaptionOptions Clone() => (CaptionOptions)MemberwiseClone();
}

namespace Multimodal.Sdk;

/// <summary>Per-call visual QA settings: the decoding knobs of <see cref="GenerationOptions"/> plus an optional system prompt.</summary>
/// <remarks>Not safe for concurrent mutation; pipelines copy it at the start of a call.</remarks>
public class VisualQaOptions : GenerationOptions
{
    /// <summary>
    /// Gets or sets a system message put before the question, for models whose chat template uses one;
    /// <see langword="null"/> sends the user turn alone (the model's training format).
    /// </summary>
    public string? SystemPrompt { get; set; }

    /// <inheritdoc/>
    public override VisualQaOptions Clone() => (VisualQaOptions)MemberwiseClone();
}

namespace Multimodal.Sdk;

/// <summary>
/// Per-call decoding settings for every pipeline that generates tokens (captioning, visual QA, vision chat,
/// speech recognition). The names and meanings follow Hugging Face <c>GenerationConfig</c>; a value left
/// <see langword="null"/> takes the model's <c>generation_config.json</c> default, then the SDK's.
/// </summary>
/// <remarks>Not safe for concurrent mutation; pipelines copy it at the start of a call.</remarks>
public class GenerationOptions
{
    /// <summary>Gets or sets the most tokens to generate after the prompt.</summary>
    public int? MaxNewTokens { get; set; }

    /// <summary>Gets or sets the number of beams; 1 is greedy or sampling, more is beam search.</summary>
    public int? NumBeams { get; set; }

    /// <summary>Gets or sets the exponent applied to the sequence length when beam scores are compared (1 = average log-probability, 0 = sum).</summary>
    public float? LengthPenalty { get; set; }

    /// <summary>Gets or sets a value indicating whether beam search stops as soon as <see cref="NumBeams"/> finished sequences exist.</summary>
    public bool? EarlyStopping { get; set; }

    /// <summary>Gets or sets how many sequences to return (at most <see cref="NumBeams"/> for beam search; any number for sampling).</summary>
    public int? NumReturnSequences { get; set; }

    /// <summary>Gets or sets a value indicating whether to sample from the distribution instead of taking the most likely token.</summary>
    public bool? DoSample { get; set; }

    /// <summary>Gets or sets the sampling temperature (greater than 0; 1 leaves the distribution as it is).</summary>
    public float? Temperature { get; set; }

    /// <summary>Gets or sets how many most likely tokens sampling keeps (0 keeps all).</summary>
    public int? TopK { get; set; }

    /// <summary>Gets or sets the cumulative probability of the most likely tokens that sampling keeps (1 keeps all).</summary>
    public float? TopP { get; set; }

    /// <summary>Gets or sets the random seed for sampling; the same seed gives the same output.</summary>
    public int? Seed { get; set; }

    /// <summary>Gets or sets the penalty for tokens already generated (1 = none; the CTRL formulation).</summary>
    public float? RepetitionPenalty { get; set; }

    /// <summary>Gets or sets the size of n-grams that may not occur twice (0 = no restriction).</summary>
    public int? NoRepeatNgramSize { get; set; }

    /// <summary>Creates a shallow copy of these options.</summary>
    /// <returns>The copy.</returns>
    public virtual GenerationOptions Clone() => (GenerationOptions)MemberwiseClone();
}

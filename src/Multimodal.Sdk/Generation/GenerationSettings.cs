namespace Multimodal.Sdk;

/// <summary>
/// The decoding settings of one call: <see cref="GenerationOptions"/> over the model's <see cref="GenerationConfig"/>
/// over Hugging Face's defaults, validated once so the decode loops never meet a nonsensical value.
/// </summary>
internal sealed record GenerationSettings
{
    public int MaxNewTokens { get; init; } = 20;

    public int NumBeams { get; init; } = 1;

    public float LengthPenalty { get; init; } = 1f;

    public bool EarlyStopping { get; init; }

    public int NumReturnSequences { get; init; } = 1;

    public bool DoSample { get; init; }

    public float Temperature { get; init; } = 1f;

    /// <summary>Gets how many most likely tokens sampling keeps; 0 keeps all.</summary>
    public int TopK { get; init; }

    public float TopP { get; init; } = 1f;

    public int? Seed { get; init; }

    public float RepetitionPenalty { get; init; } = 1f;

    public int NoRepeatNgramSize { get; init; }

    /// <summary>Gets the tokens that end a sequence (several are allowed; empty means only the length limit stops).</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    /// <summary>Gets the token fed for rows that already finished while others in the batch go on.</summary>
    public int PadTokenId { get; init; }

    /// <summary>
    /// Resolves per-call options over the model defaults. Without a maximum of new tokens anywhere, the model's
    /// <c>max_length</c> minus the prompt applies, then Hugging Face's 20.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range (the message names the option).</exception>
    /// <exception cref="ArgumentException">The combination is impossible (more returned sequences than beams).</exception>
    public static GenerationSettings Resolve(GenerationConfig config, GenerationOptions? options, int promptLength)
    {
        ArgumentNullException.ThrowIfNull(config);
        var o = options ?? new GenerationOptions();
        int maxNew = o.MaxNewTokens ?? config.MaxNewTokens ?? (config.MaxLength is { } ml ? Math.Max(1, ml - promptLength) : 20);
        var eos = config.EosTokenIds;
        var s = new GenerationSettings
        {
            MaxNewTokens = maxNew,
            NumBeams = o.NumBeams ?? config.NumBeams,
            LengthPenalty = o.LengthPenalty ?? config.LengthPenalty,
            EarlyStopping = o.EarlyStopping ?? config.EarlyStopping,
            NumReturnSequences = o.NumReturnSequences ?? config.NumReturnSequences,
            DoSample = o.DoSample ?? config.DoSample,
            Temperature = o.Temperature ?? config.Temperature,
            TopK = o.TopK ?? config.TopK,
            TopP = o.TopP ?? config.TopP,
            Seed = o.Seed,
            RepetitionPenalty = o.RepetitionPenalty ?? config.RepetitionPenalty,
            NoRepeatNgramSize = o.NoRepeatNgramSize ?? config.NoRepeatNgramSize,
            EosTokenIds = eos,
            PadTokenId = config.PadTokenId ?? (eos.Count > 0 ? eos[0] : 0),
        };
        s.Validate();
        return s;
    }

    /// <summary>Checks every value; the engine calls it again for settings built directly.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    /// <exception cref="ArgumentException">The combination is impossible.</exception>
    public void Validate()
    {
        Check(MaxNewTokens >= 1, nameof(GenerationOptions.MaxNewTokens), MaxNewTokens, "at least 1");
        Check(NumBeams >= 1, nameof(GenerationOptions.NumBeams), NumBeams, "at least 1");
        Check(NumReturnSequences >= 1, nameof(GenerationOptions.NumReturnSequences), NumReturnSequences, "at least 1");
        Check(!float.IsNaN(LengthPenalty) && !float.IsInfinity(LengthPenalty), nameof(GenerationOptions.LengthPenalty), LengthPenalty, "a finite number");
        Check(Temperature > 0 && !float.IsInfinity(Temperature), nameof(GenerationOptions.Temperature), Temperature, "greater than 0");
        Check(TopK >= 0, nameof(GenerationOptions.TopK), TopK, "0 (all) or more");
        Check(TopP > 0 && TopP <= 1, nameof(GenerationOptions.TopP), TopP, "in (0, 1]");
        Check(RepetitionPenalty > 0 && !float.IsInfinity(RepetitionPenalty), nameof(GenerationOptions.RepetitionPenalty), RepetitionPenalty, "greater than 0");
        Check(NoRepeatNgramSize >= 0, nameof(GenerationOptions.NoRepeatNgramSize), NoRepeatNgramSize, "0 (off) or more");
        if (NumBeams > 1 && NumReturnSequences > NumBeams)
        {
            throw new ArgumentException($"NumReturnSequences ({NumReturnSequences}) cannot exceed NumBeams ({NumBeams}) in beam search.", nameof(GenerationOptions.NumReturnSequences));
        }

        if (NumBeams > 1 && DoSample)
        {
            throw new ArgumentException("Beam search with sampling (beam-sample) is not supported; set DoSample = false or NumBeams = 1.", nameof(GenerationOptions.DoSample));
        }
    }

    private static void Check(bool ok, string name, object value, string expected)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be {expected}; it was {value}.");
        }
    }
}

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
    /// <param name="config">The model's generation defaults.</param>
    /// <param name="options">The call's options.</param>
    /// <param name="promptLength">The tokens already in each sequence.</param>
    /// <param name="limits">The sane maxima (<see cref="MultimodalOptions.Limits"/>); <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range or over a limit (the message names the option and the limit).</exception>
    /// <exception cref="ArgumentException">The combination is impossible (more returned sequences than beams).</exception>
    public static GenerationSettings Resolve(GenerationConfig config, GenerationOptions? options, int promptLength, InputLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var o = options ?? new GenerationOptions();
        limits ??= DefaultLimits;

        // Caller-supplied sizes are checked against the limits before anything is sized from them: 2147483647 new
        // tokens overflowed the token buffer's capacity, and 100000 beams asked for gigabytes of KV cache.
        CheckLimit(o.MaxNewTokens, limits.MaxNewTokens, nameof(GenerationOptions.MaxNewTokens), "MaxNewTokens");
        CheckLimit(o.NumBeams, limits.MaxBeams, nameof(GenerationOptions.NumBeams), "MaxBeams");
        CheckLimit(o.NumReturnSequences, limits.MaxReturnSequences, nameof(GenerationOptions.NumReturnSequences), "MaxReturnSequences");
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

        // A model's own generation_config is validated at load; here it only needs to fit the same limits.
        if (s.MaxNewTokens > limits.MaxNewTokens)
        {
            s = s with { MaxNewTokens = limits.MaxNewTokens };
        }

        CheckLimit(s.NumBeams, limits.MaxBeams, nameof(GenerationOptions.NumBeams), "MaxBeams");
        CheckLimit(s.NumReturnSequences, limits.MaxReturnSequences, nameof(GenerationOptions.NumReturnSequences), "MaxReturnSequences");
        return s;
    }

    private static readonly InputLimits DefaultLimits = new();

    private static void CheckLimit(int? value, int limit, string name, string limitName)
    {
        if (value is { } v && v > limit)
        {
            throw new ArgumentOutOfRangeException(name, v, $"{name} is {v}; the most allowed is {limit} (MultimodalOptions.Limits.{limitName}).");
        }
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

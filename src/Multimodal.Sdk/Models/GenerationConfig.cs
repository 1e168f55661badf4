namespace Multimodal.Sdk;

/// <summary>
/// Decoding defaults and special token ids of a generative model, from <c>generation_config.json</c> with
/// <c>config.json</c> (and its <c>text_config</c> / <c>decoder</c> sub-config) as fallback, the order transformers uses.
/// Token ids are never assumed: a model that lacks one the pipeline needs fails with a message naming it.
/// </summary>
internal sealed record GenerationConfig
{
    public int? DecoderStartTokenId { get; init; }

    public int? BosTokenId { get; init; }

    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    public int? PadTokenId { get; init; }

    public int? MaxLength { get; init; }

    public int? MaxNewTokens { get; init; }

    public int NumBeams { get; init; } = 1;

    public bool DoSample { get; init; }

    public float Temperature { get; init; } = 1f;

    public int TopK { get; init; } = 50;

    public float TopP { get; init; } = 1f;

    public float RepetitionPenalty { get; init; } = 1f;

    public int NoRepeatNgramSize { get; init; }

    public float LengthPenalty { get; init; } = 1f;

    public bool EarlyStopping { get; init; }

    public int NumReturnSequences { get; init; } = 1;

    public IReadOnlyList<int> SuppressTokens { get; init; } = [];

    public IReadOnlyList<int> BeginSuppressTokens { get; init; } = [];

    public IReadOnlyDictionary<string, int> LangToId { get; init; } = new Dictionary<string, int>();

    public IReadOnlyDictionary<string, int> TaskToId { get; init; } = new Dictionary<string, int>();

    public int? NoTimestampsTokenId { get; init; }

    public bool? IsMultilingual { get; init; }

    public static GenerationConfig From(JsonConfig? generation, JsonConfig config)
    {
        var sources = new List<JsonConfig>();
        if (generation is not null)
        {
            sources.Add(generation);
        }

        sources.Add(config);
        foreach (var sub in new[] { "text_config", "decoder" })
        {
            if (config.Section(sub) is { } s)
            {
                sources.Add(s);
            }
        }

        int? Int(string p) => sources.Select(s => s.TryGetInt32(p)).FirstOrDefault(v => v is not null);
        double? Dbl(string p) => sources.Select(s => s.TryGetDouble(p)).FirstOrDefault(v => v is not null);
        bool? Bool(string p) => sources.Select(s => s.TryGetBoolean(p)).FirstOrDefault(v => v is not null);
        int[]? Arr(string p) => sources.Select(s => s.TryGetInt32Array(p)).FirstOrDefault(v => v is not null);

        var result = new GenerationConfig
        {
            DecoderStartTokenId = Int("decoder_start_token_id"),
            BosTokenId = Int("bos_token_id"),
            EosTokenIds = Arr("eos_token_id") ?? [],
            PadTokenId = Int("pad_token_id"),
            MaxLength = Int("max_length"),
            MaxNewTokens = Int("max_new_tokens"),
            NumBeams = Int("num_beams") ?? 1,
            DoSample = Bool("do_sample") ?? false,
            Temperature = (float)(Dbl("temperature") ?? 1.0),
            TopK = Int("top_k") ?? 50,
            TopP = (float)(Dbl("top_p") ?? 1.0),
            RepetitionPenalty = (float)(Dbl("repetition_penalty") ?? 1.0),
            NoRepeatNgramSize = Int("no_repeat_ngram_size") ?? 0,
            LengthPenalty = (float)(Dbl("length_penalty") ?? 1.0),
            EarlyStopping = Bool("early_stopping") ?? false,
            NumReturnSequences = Int("num_return_sequences") ?? 1,
            SuppressTokens = Arr("suppress_tokens") ?? [],
            BeginSuppressTokens = Arr("begin_suppress_tokens") ?? [],
            LangToId = generation?.TryGetInt32Map("lang_to_id") ?? new Dictionary<string, int>(),
            TaskToId = generation?.TryGetInt32Map("task_to_id") ?? new Dictionary<string, int>(),
            NoTimestampsTokenId = generation?.TryGetInt32("no_timestamps_token_id"),
            IsMultilingual = generation?.TryGetBoolean("is_multilingual"),
        };
        result.Validate(sources);
        return result;
    }

    /// <summary>The most beams or returned sequences a model's own defaults may ask for; calls are bounded further by <see cref="InputLimits"/>.</summary>
    public const int MaxSearchWidth = 256;

    /// <summary>The longest <c>max_length</c> / <c>max_new_tokens</c> a model's defaults may name.</summary>
    public const int MaxLengthLimit = 1 << 20;

    // Each value is checked where it was read, so the error names the file and the key: a generation_config.json with
    // num_beams 0 is a broken model (exit code 4 in mm), not a usage error.
    private void Validate(List<JsonConfig> sources)
    {
        void Check(bool ok, string key, string expected)
        {
            if (!ok)
            {
                var source = sources.FirstOrDefault(s => s.TryFind(key, out _)) ?? sources[0];
                throw new ModelIncompatibleException(source.FolderPath, source.FileName, $"'{source.FileName}' in model folder '{source.FolderPath}': '{key}' must be {expected}.");
            }
        }

        Check(NumBeams is >= 1 and <= MaxSearchWidth, "num_beams", $"between 1 and {MaxSearchWidth} but is {NumBeams}");
        Check(NumReturnSequences is >= 1 and <= MaxSearchWidth, "num_return_sequences", $"between 1 and {MaxSearchWidth} but is {NumReturnSequences}");
        Check(MaxLength is null or (>= 1 and <= MaxLengthLimit), "max_length", $"between 1 and {MaxLengthLimit} but is {MaxLength}");
        Check(MaxNewTokens is null or (>= 1 and <= MaxLengthLimit), "max_new_tokens", $"between 1 and {MaxLengthLimit} but is {MaxNewTokens}");
        Check(float.IsFinite(Temperature) && (Temperature > 0 || (Temperature == 0 && !DoSample)), "temperature", $"a positive number but is {Temperature}");
        Check(TopK >= 0, "top_k", $"0 (all) or more but is {TopK}");
        Check(TopP > 0 && TopP <= 1, "top_p", $"in (0, 1] but is {TopP}");
        Check(float.IsFinite(RepetitionPenalty) && RepetitionPenalty > 0, "repetition_penalty", $"a positive number but is {RepetitionPenalty}");
        Check(NoRepeatNgramSize >= 0, "no_repeat_ngram_size", $"0 (off) or more but is {NoRepeatNgramSize}");
        Check(float.IsFinite(LengthPenalty), "length_penalty", $"a finite number but is {LengthPenalty}");
        Check(NumBeams == 1 || NumReturnSequences <= NumBeams, "num_return_sequences", $"at most num_beams ({NumBeams}) but is {NumReturnSequences}");
        foreach (var (key, id) in new[] { ("decoder_start_token_id", DecoderStartTokenId), ("bos_token_id", BosTokenId), ("pad_token_id", PadTokenId), ("no_timestamps_token_id", NoTimestampsTokenId) })
        {
            Check(id is null or >= 0, key, $"a token id (0 or more) but is {id}");
        }

        Check(EosTokenIds.All(id => id >= 0), "eos_token_id", "token ids (0 or more)");
    }
}

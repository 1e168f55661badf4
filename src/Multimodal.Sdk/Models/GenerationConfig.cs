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

        return new GenerationConfig
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
    }
}

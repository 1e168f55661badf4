using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Multimodal.Sdk;

/// <summary>How a decoder export is split into graphs.</summary>
internal enum DecoderLayout
{
    /// <summary><c>decoder_model_merged.onnx</c>: one graph, first step told apart by empty caches (and <c>use_cache_branch</c> when declared).</summary>
    Merged,

    /// <summary><c>decoder_model.onnx</c> for the first step, <c>decoder_with_past_model.onnx</c> for the rest.</summary>
    Split,
}

/// <summary>
/// The decoder adapter for every Optimum / transformers.js export: merged or split graphs; <c>input_ids</c> or
/// <c>inputs_embeds</c>; caches <c>past_key_values.{i}.key/value</c> or Whisper's <c>.decoder.</c> / <c>.encoder.</c>
/// pairs. Everything is discovered from the graphs' metadata: each <c>past_key_values.*</c> input is fed from the
/// matching <c>present.*</c> output of the previous step, optional inputs are fed only when declared, and an
/// encoder cache (a name with <c>.encoder.</c>) is taken from the first step and reused unchanged, because later
/// steps of a merged export output constant dummies for it and split with-past graphs do not output it at all.
/// </summary>
/// <remarks>Safe for concurrent use (ONNX Runtime sessions are; per-call state lives in <see cref="DecoderState"/>).</remarks>
internal sealed class OnnxDecoder : IDecoder
{
    private const string PastPrefix = "past_key_values.";
    private const string PresentPrefix = "present.";
    private const string LogitsName = "logits";

    private readonly ModelSession _first;
    private readonly ModelSession _withPast;
    private readonly ITokenEmbedder? _embedder;
    private readonly bool _ownsParts;
    private readonly StepPlan _firstPlan;
    private readonly StepPlan _laterPlan;

    /// <summary>Creates a decoder over a merged graph.</summary>
    /// <exception cref="ModelIncompatibleException">The graph does not follow the decoder contract.</exception>
    public OnnxDecoder(ModelSession merged, ITokenEmbedder? embedder = null, bool ownsParts = true)
        : this(merged, merged, embedder, ownsParts)
    {
    }

    /// <summary>Creates a decoder over a first-step graph and a with-past graph (the same session for merged exports).</summary>
    /// <exception cref="ModelIncompatibleException">The graphs do not follow the decoder contract.</exception>
    public OnnxDecoder(ModelSession first, ModelSession withPast, ITokenEmbedder? embedder = null, bool ownsParts = true)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(withPast);
        _first = first;
        _withPast = withPast;
        _embedder = embedder;
        _ownsParts = ownsParts;
        Layout = ReferenceEquals(first, withPast) ? DecoderLayout.Merged : DecoderLayout.Split;
        TakesEmbeddings = withPast.HasInput("inputs_embeds");
        string mainInput = TakesEmbeddings ? "inputs_embeds" : "input_ids";
        first.Require([mainInput], [LogitsName]);
        withPast.Require([mainInput], [LogitsName]);

        var past = withPast.InputNames.Where(n => n.StartsWith(PastPrefix, StringComparison.Ordinal)).ToArray();
        if (past.Length == 0)
        {
            throw new ModelIncompatibleException(withPast.FolderPath, withPast.FileName, $"Decoder graph '{withPast.FileName}' in model folder '{withPast.FolderPath}' declares no '{PastPrefix}*' inputs; a decoder with a key/value cache was expected. It declares {string.Join(", ", withPast.InputNames)}.");
        }

        HasEncoderCache = past.Any(IsEncoderCache);
        NeedsEncoderHiddenStates = first.HasInput("encoder_hidden_states") || withPast.HasInput("encoder_hidden_states");

        // The first step yields every cache; later steps only the growing ones (the encoder cache stays as it was).
        _firstPlan = StepPlan.For(first, past, includeEncoder: true);
        _laterPlan = StepPlan.For(withPast, past, includeEncoder: false);
    }

    public DecoderLayout Layout { get; }

    public bool TakesEmbeddings { get; }

    /// <summary>Gets the token embedder of an <c>inputs_embeds</c> decoder (owned by the decoder), so pipelines can embed a prompt and splice other rows in.</summary>
    public ITokenEmbedder? Embedder => _embedder;

    public bool NeedsEncoderHiddenStates { get; }

    /// <summary>Gets whether the decoder carries an encoder (cross-attention) cache, Whisper style.</summary>
    public bool HasEncoderCache { get; }

    /// <summary>
    /// Opens the decoder of a model folder: <c>decoder_model_merged</c> if present, else the split pair
    /// <c>decoder_model</c> + <c>decoder_with_past_model</c>; for <c>inputs_embeds</c> decoders also <c>embed_tokens</c>.
    /// </summary>
    /// <exception cref="ModelIncompatibleException">Neither a merged graph nor a split pair exists, or a graph breaks the contract.</exception>
    /// <exception cref="ModelNotFoundException">An <c>inputs_embeds</c> decoder has no <c>embed_tokens</c> graph beside it.</exception>
    public static OnnxDecoder Open(OnnxSessionFactory factory, ModelFolder folder)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(folder);
        var opened = new List<IDisposable>();
        try
        {
            OnnxDecoder decoder;
            if (folder.FindGraph("decoder_model_merged") is not null)
            {
                var merged = factory.Create(folder, "decoder_model_merged");
                opened.Add(merged);
                decoder = new OnnxDecoder(merged, merged, EmbedderFor(merged, factory, folder, opened), ownsParts: true);
            }
            else if (folder.FindGraph("decoder_model") is not null && folder.FindGraph("decoder_with_past_model") is not null)
            {
                var first = factory.Create(folder, "decoder_model");
                opened.Add(first);
                var withPast = factory.Create(folder, "decoder_with_past_model");
                opened.Add(withPast);
                decoder = new OnnxDecoder(first, withPast, EmbedderFor(withPast, factory, folder, opened), ownsParts: true);
            }
            else
            {
                var graphs = folder.ListGraphs();
                throw new ModelIncompatibleException(
                    folder.Path,
                    null,
                    $"Model folder '{folder.Path}' has no decoder: expected onnx/decoder_model_merged.onnx, or the pair onnx/decoder_model.onnx + onnx/decoder_with_past_model.onnx (in the preferred precision). Graphs present: {(graphs.Count == 0 ? "none" : string.Join(", ", graphs))}.");
            }

            return decoder;
        }
        catch
        {
            foreach (var d in opened)
            {
                d.Dispose();
            }

            throw;
        }
    }

    public DecoderState Start(int rows, OrtValue? encoderHiddenStates, bool ownsEncoderHiddenStates)
    {
        if (NeedsEncoderHiddenStates && encoderHiddenStates is null)
        {
            throw new ArgumentException($"Decoder '{_first.FileName}' of model folder '{_first.FolderPath}' needs encoder hidden states.", nameof(encoderHiddenStates));
        }

        return new DecoderState(rows, encoderHiddenStates, ownsEncoderHiddenStates);
    }

    public Span<float> Step(DecoderState state, ReadOnlySpan<int> tokens, int length, OrtValue? embeddings = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        bool first = state.IsFirstStep;
        var session = first ? _first : _withPast;
        var plan = first ? _firstPlan : _laterPlan;
        int rows = state.Rows;
        int past = state.PastLength;
        var names = new List<string>(plan.InputCount);
        var values = new List<OrtValue>(plan.InputCount);
        var owned = new List<OrtValue>(6);
        try
        {
            if (TakesEmbeddings)
            {
                if (embeddings is null)
                {
                    var ids = ToInt64(tokens, rows * length);
                    embeddings = (_embedder ?? throw new InvalidOperationException($"Decoder '{_first.FileName}' reads inputs_embeds and has no token embedder.")).Embed(ids, rows, length);
                    owned.Add(embeddings);
                }

                Add("inputs_embeds", embeddings, own: false);
            }
            else
            {
                if (embeddings is not null)
                {
                    throw new ArgumentException($"Decoder '{_first.FileName}' reads input_ids, not embeddings.", nameof(embeddings));
                }

                Add("input_ids", OrtValue.CreateTensorValueFromMemory(ToInt64(tokens, rows * length), [rows, length]), own: true);
            }

            if (session.HasInput("attention_mask"))
            {
                int total = past + length;
                Add("attention_mask", OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, state.Ones(rows * total), [rows, total]), own: true);
            }

            if (session.HasInput("position_ids"))
            {
                var pos = new long[rows * length];
                for (int i = 0; i < pos.Length; i++)
                {
                    pos[i] = past + (i % length);
                }

                Add("position_ids", OrtValue.CreateTensorValueFromMemory(pos, [rows, length]), own: true);
            }

            if (session.HasInput("encoder_hidden_states"))
            {
                Add("encoder_hidden_states", state.EncoderHiddenStates ?? throw new ArgumentException("This decoder needs encoder hidden states.", nameof(state)), own: false);
            }

            if (session.HasInput("encoder_attention_mask"))
            {
                int encLen = state.EncoderHiddenStates is { } enc ? (int)enc.GetTensorTypeAndShape().Shape[1] : 0;
                Add("encoder_attention_mask", OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, state.Ones(rows * encLen), [rows, encLen]), own: true);
            }

            if (session.HasInput("use_cache_branch"))
            {
                Add("use_cache_branch", OrtValue.CreateTensorValueFromMemory(first ? FalseFlag() : TrueFlag(), [1]), own: true);
            }

            foreach (var name in plan.PastInputs)
            {
                if (first)
                {
                    Add(name, session.CreateEmptyCache(name, rows), own: true);
                }
                else
                {
                    Add(name, state.GetCache(name) ?? throw new InvalidOperationException($"The cache for '{name}' is missing."), own: false);
                }
            }

            var results = session.Run(names, values, plan.OutputNames, state.Cancellation);
            var taken = new bool[results.Count];
            try
            {
                ReadLogits(state, results[0], session, length);
                for (int i = 0; i < plan.Presents.Length; i++)
                {
                    var slot = plan.Presents[i];
                    state.SetCache(slot.Past, results[i + 1], freeze: slot.IsEncoder);
                    taken[i + 1] = true;
                }
            }
            finally
            {
                for (int i = 0; i < results.Count; i++)
                {
                    if (!taken[i])
                    {
                        results[i].Dispose();
                    }
                }
            }

            state.PastLength = past + length;
            return state.LogitsBuffer(state.VocabSize);
        }
        finally
        {
            foreach (var v in owned)
            {
                v.Dispose();
            }
        }

        void Add(string name, OrtValue value, bool own)
        {
            if (own)
            {
                owned.Add(value);
            }

            names.Add(name);
            values.Add(value);
        }
    }

    public void Dispose()
    {
        if (!_ownsParts)
        {
            return;
        }

        _first.Dispose();
        if (!ReferenceEquals(_first, _withPast))
        {
            _withPast.Dispose();
        }

        _embedder?.Dispose();
    }

    private static bool IsEncoderCache(string pastName) => pastName.Contains(".encoder.", StringComparison.Ordinal);

    private static bool[] TrueFlag() => [true];

    private static bool[] FalseFlag() => [false];

    private static long[] ToInt64(ReadOnlySpan<int> tokens, int count)
    {
        if (tokens.Length != count)
        {
            throw new ArgumentException($"Expected {count} token ids, got {tokens.Length}.", nameof(tokens));
        }

        var ids = new long[count];
        for (int i = 0; i < count; i++)
        {
            ids[i] = tokens[i];
        }

        return ids;
    }

    private static void ReadLogits(DecoderState state, OrtValue logits, ModelSession session, int length)
    {
        var info = logits.GetTensorTypeAndShape();
        var shape = info.Shape;
        int vocab = (int)shape[^1];
        int positions = shape.Length == 3 ? (int)shape[1] : 1;
        if (shape[0] != state.Rows || (shape.Length == 3 && positions != length))
        {
            throw new ModelIncompatibleException(session.FolderPath, session.FileName, $"Decoder '{session.FileName}' returned logits of shape [{string.Join(", ", shape)}] for {state.Rows} rows of {length} positions.");
        }

        var buffer = state.LogitsBuffer(vocab);
        for (int r = 0; r < state.Rows; r++)
        {
            // Only the last position predicts the next token.
            OrtTensors.CopyAsSingle(logits, info.ElementDataType, ((r * positions) + positions - 1) * vocab, buffer.Slice(r * vocab, vocab));
        }
    }

    private static ITokenEmbedder? EmbedderFor(ModelSession decoder, OnnxSessionFactory factory, ModelFolder folder, List<IDisposable> opened)
    {
        if (!decoder.HasInput("inputs_embeds"))
        {
            return null;
        }

        var session = factory.Create(folder, "embed_tokens");
        var embedder = new OnnxTokenEmbedder(session);
        opened.Add(embedder);
        return embedder;
    }

    private readonly record struct CacheSlot(string Past, string Present, bool IsEncoder);

    /// <summary>What one kind of step (first or later) feeds and reads, worked out once from the graph.</summary>
    private sealed class StepPlan
    {
        private StepPlan(string[] pastInputs, CacheSlot[] presents, string[] outputNames, int inputCount)
        {
            PastInputs = pastInputs;
            Presents = presents;
            OutputNames = outputNames;
            InputCount = inputCount;
        }

        public string[] PastInputs { get; }

        public CacheSlot[] Presents { get; }

        public string[] OutputNames { get; }

        public int InputCount { get; }

        public static StepPlan For(ModelSession session, IReadOnlyList<string> pastNames, bool includeEncoder)
        {
            var presents = new List<CacheSlot>();
            foreach (var pastName in pastNames)
            {
                bool encoder = IsEncoderCache(pastName);
                if (encoder && !includeEncoder)
                {
                    continue;
                }

                string present = PresentPrefix + pastName[PastPrefix.Length..];
                if (!session.HasOutput(present))
                {
                    throw new ModelIncompatibleException(session.FolderPath, session.FileName, $"Decoder graph '{session.FileName}' in model folder '{session.FolderPath}' declares no output '{present}' for its cache input '{pastName}'. It declares {string.Join(", ", session.OutputNames)}.");
                }

                presents.Add(new CacheSlot(pastName, present, encoder));
            }

            var pastInputs = session.InputNames.Where(n => n.StartsWith(PastPrefix, StringComparison.Ordinal)).ToArray();
            foreach (var name in pastInputs)
            {
                var type = session.InputElementType(name);
                if (type is not (TensorElementType.Float or TensorElementType.Float16))
                {
                    throw new ModelIncompatibleException(session.FolderPath, session.FileName, $"Cache input '{name}' of '{session.FileName}' has element type {type}; float or float16 was expected.");
                }
            }

            string[] outputs = [LogitsName, .. presents.Select(p => p.Present)];
            return new StepPlan(pastInputs, [.. presents], outputs, session.InputNames.Count);
        }
    }
}

using Microsoft.ML.OnnxRuntime;

namespace Multimodal.Sdk;

/// <summary>
/// The rows one call decodes: each input repeated once per beam or returned sequence (Hugging Face expands the
/// same way), their token histories in one flat array, and the decoder state. Shared by every strategy.
/// </summary>
/// <remarks>Not safe for concurrent use; one per call.</remarks>
internal sealed class DecodeRows : IDisposable
{
    private readonly OrtValue? _ownedEmbeddings;

    public DecodeRows(IDecoder decoder, GenerationRequest request, GenerationSettings settings, int perInput)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        settings.Validate();
        Inputs = request.Inputs;
        PerInput = perInput;
        Rows = Inputs * perInput;
        PromptLength = request.Prompts[0].Count;
        long capacity = (long)PromptLength + settings.MaxNewTokens;
        if (capacity * Rows > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), $"{Rows} sequences of {capacity} tokens do not fit in one buffer; lower MaxNewTokens or NumBeams / NumReturnSequences.");
        }

        Capacity = (int)capacity;
        Tokens = new int[Rows * Capacity];
        Lengths = new int[Rows];
        for (int r = 0; r < Rows; r++)
        {
            var prompt = request.Prompts[r / perInput];
            for (int j = 0; j < PromptLength; j++)
            {
                Tokens[(r * Capacity) + j] = prompt[j];
            }

            Lengths[r] = PromptLength;
        }

        Processors = BuildProcessors(settings, request);
        EosTokenIds = [.. settings.EosTokenIds];

        int[]? map = perInput == 1 ? null : OrtTensors.RepeatEach(Inputs, perInput);
        CheckRows(request.EncoderHiddenStates, nameof(request.EncoderHiddenStates));
        CheckRows(request.PromptEmbeddings, nameof(request.PromptEmbeddings));
        if (decoder.TakesEmbeddings && request.PromptEmbeddings is not null)
        {
            _ownedEmbeddings = map is null ? null : OrtTensors.GatherRows(request.PromptEmbeddings, map);
            PromptEmbeddings = _ownedEmbeddings ?? request.PromptEmbeddings;
            PromptStepLength = (int)request.PromptEmbeddings.GetTensorTypeAndShape().Shape[1];
        }
        else
        {
            PromptStepLength = PromptLength;
        }

        OrtValue? encoder = request.EncoderHiddenStates;
        bool ownsEncoder = false;
        if (encoder is not null && map is not null)
        {
            encoder = OrtTensors.GatherRows(encoder, map);
            ownsEncoder = true;
        }

        try
        {
            State = decoder.Start(Rows, encoder, ownsEncoder);
        }
        catch
        {
            if (ownsEncoder)
            {
                encoder!.Dispose();
            }

            _ownedEmbeddings?.Dispose();
            throw;
        }

        void CheckRows(OrtValue? value, string name)
        {
            if (value is not null && OrtTensors.Rows(value) != Inputs)
            {
                throw new ArgumentException($"{name} has {OrtTensors.Rows(value)} rows for {Inputs} prompts.", name);
            }
        }
    }

    public int Inputs { get; }

    public int PerInput { get; }

    public int Rows { get; }

    public int PromptLength { get; }

    /// <summary>Gets the number of positions the first step feeds (the embeddings' length for embeddings-input decoders).</summary>
    public int PromptStepLength { get; }

    public int Capacity { get; }

    /// <summary>Gets every row's tokens, row r at [r * Capacity, r * Capacity + Lengths[r]).</summary>
    public int[] Tokens { get; }

    public int[] Lengths { get; }

    public ILogitsProcessor[] Processors { get; }

    public int[] EosTokenIds { get; }

    public OrtValue? PromptEmbeddings { get; }

    public DecoderState State { get; }

    /// <summary>Gets a row's whole sequence so far.</summary>
    public Span<int> Sequence(int row) => Tokens.AsSpan(row * Capacity, Lengths[row]);

    /// <summary>Gets the tokens the first step feeds: every row's prompt, row after row.</summary>
    public int[] PromptIds()
    {
        var ids = new int[Rows * PromptLength];
        for (int r = 0; r < Rows; r++)
        {
            Tokens.AsSpan(r * Capacity, PromptLength).CopyTo(ids.AsSpan(r * PromptLength));
        }

        return ids;
    }

    public bool IsEos(int token) => Array.IndexOf(EosTokenIds, token) >= 0;

    /// <summary>Runs every processor over one row, in order.</summary>
    public void Process(int row, Span<float> scores)
    {
        var context = new LogitsContext(Sequence(row), PromptLength, row / PerInput);
        foreach (var p in Processors)
        {
            p.Process(context, scores);
        }
    }

    public void Dispose()
    {
        State.Dispose();
        _ownedEmbeddings?.Dispose();
    }

    private static ILogitsProcessor[] BuildProcessors(GenerationSettings settings, GenerationRequest request)
    {
        // Hugging Face's order: repetition penalty, no-repeat-ngram, then the pipeline's own (suppression, timestamps).
        var list = new List<ILogitsProcessor>();
        if (settings.RepetitionPenalty != 1f)
        {
            list.Add(new RepetitionPenaltyProcessor(settings.RepetitionPenalty));
        }

        if (settings.NoRepeatNgramSize > 0)
        {
            list.Add(new NoRepeatNgramProcessor(settings.NoRepeatNgramSize));
        }

        list.AddRange(request.Processors);
        return [.. list];
    }
}

using System.Runtime.CompilerServices;
using Microsoft.ML.OnnxRuntime;

namespace Multimodal.Sdk.Speech.Tests.Recognition;

/// <summary>Passes every call to the real decoder and records what each decoding was fed: its rows and each step's tokens.</summary>
internal sealed class RecordingDecoder(IDecoder inner) : IDecoder
{
    private readonly object _gate = new();
    private readonly List<Run> _runs = [];
    // weak keys: a recorder that kept every finished DecoderState alive would show up in the memory-bound tests
    private readonly ConditionalWeakTable<DecoderState, Run> _byState = [];

    public bool TakesEmbeddings => inner.TakesEmbeddings;

    public bool NeedsEncoderHiddenStates => inner.NeedsEncoderHiddenStates;

    /// <summary>Gets every decoding started so far (language detection included), in order.</summary>
    public IReadOnlyList<Run> Runs
    {
        get
        {
            lock (_gate)
            {
                return [.. _runs];
            }
        }
    }

    public DecoderState Start(int rows, OrtValue? encoderHiddenStates, bool ownsEncoderHiddenStates)
    {
        var state = inner.Start(rows, encoderHiddenStates, ownsEncoderHiddenStates);
        lock (_gate)
        {
            var run = new Run(rows);
            _runs.Add(run);
            _byState.AddOrUpdate(state, run);
        }

        return state;
    }

    public Span<float> Step(DecoderState state, ReadOnlySpan<int> tokens, int length, OrtValue? embeddings = null)
    {
        lock (_gate)
        {
            _byState.TryGetValue(state, out var run);
            run!.Steps.Add(tokens[..length].ToArray());
        }

        return inner.Step(state, tokens, length, embeddings);
    }

    public void Dispose() => inner.Dispose();

    /// <summary>One decoding: its rows and the first row's tokens at each step (the prompt first).</summary>
    internal sealed record Run(int Rows)
    {
        public List<int[]> Steps { get; } = [];

        public int[] Prompt => Steps[0];
    }
}

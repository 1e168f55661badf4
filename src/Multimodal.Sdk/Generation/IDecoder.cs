using Microsoft.ML.OnnxRuntime;

namespace Multimodal.Sdk;

/// <summary>
/// One autoregressive decoder, whatever its export contract: runs a step for every row of a
/// <see cref="DecoderState"/> and leaves the last position's logits in the state.
/// </summary>
/// <remarks>Safe for concurrent use with separate states; a state belongs to one call.</remarks>
internal interface IDecoder : IDisposable
{
    /// <summary>Gets whether the decoder reads <c>inputs_embeds</c> instead of <c>input_ids</c>.</summary>
    bool TakesEmbeddings { get; }

    /// <summary>Gets whether the decoder needs <c>encoder_hidden_states</c> (at least on its first step).</summary>
    bool NeedsEncoderHiddenStates { get; }

    /// <summary>Starts a state for <paramref name="rows"/> sequences.</summary>
    /// <param name="rows">Sequences decoded together (inputs x beams or x returned sequences).</param>
    /// <param name="encoderHiddenStates">The encoder output with one row per sequence, or <see langword="null"/>.</param>
    /// <param name="ownsEncoderHiddenStates">Whether the state disposes <paramref name="encoderHiddenStates"/> with itself.</param>
    DecoderState Start(int rows, OrtValue? encoderHiddenStates, bool ownsEncoderHiddenStates);

    /// <summary>
    /// Runs one step: the first feeds the whole prompt (<paramref name="tokens"/> holds rows x
    /// <paramref name="length"/> ids, or <paramref name="embeddings"/> [rows, length, hidden] when given), later ones
    /// one token per row. Returns the last position's logits, rows x vocabulary, valid until the next step; processors rewrite it in place.
    /// </summary>
    /// <exception cref="MultimodalException">ONNX Runtime failed.</exception>
    Span<float> Step(DecoderState state, ReadOnlySpan<int> tokens, int length, OrtValue? embeddings = null);
}

/// <summary>Turns token ids into the embeddings an <c>inputs_embeds</c> decoder reads (LLaVA's <c>embed_tokens.onnx</c>).</summary>
/// <remarks>Safe for concurrent use.</remarks>
internal interface ITokenEmbedder : IDisposable
{
    /// <summary>Embeds rows x <paramref name="length"/> ids into a new [rows, length, hidden] tensor the caller disposes.</summary>
    OrtValue Embed(ReadOnlySpan<long> tokenIds, int rows, int length);
}

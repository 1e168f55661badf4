using Microsoft.ML.OnnxRuntime;

namespace Multimodal.Sdk;

/// <summary>
/// What to generate from: one prompt per input (decoder start token and forced tokens, such as Whisper's
/// <c>&lt;|startoftranscript|&gt;&lt;|en|&gt;&lt;|transcribe|&gt;</c> or a captioning prefix), the encoder output of
/// every input for encoder-decoder models, or the prompt embeddings for embeddings-input decoders.
/// </summary>
/// <remarks>The tensors stay the caller's: the engine reads them and never disposes them.</remarks>
internal sealed class GenerationRequest
{
    /// <summary>Gets the prompt of each input. All have the same length: batches are not padded.</summary>
    public required IReadOnlyList<IReadOnlyList<int>> Prompts { get; init; }

    /// <summary>Gets the encoder output [inputs, encoder sequence, hidden], for decoders that declare <c>encoder_hidden_states</c>.</summary>
    public OrtValue? EncoderHiddenStates { get; init; }

    /// <summary>
    /// Gets the first step's embeddings [inputs, prompt length, hidden] for decoders that take <c>inputs_embeds</c>
    /// (image features already spliced in). Without them the prompt tokens are embedded by the decoder's embedder.
    /// </summary>
    public OrtValue? PromptEmbeddings { get; init; }

    /// <summary>Gets extra logits processors, run after the repetition penalty and no-repeat-ngram of the settings.</summary>
    public IReadOnlyList<ILogitsProcessor> Processors { get; init; } = [];

    /// <summary>Gets the number of inputs.</summary>
    public int Inputs => Prompts.Count;

    /// <summary>Creates a request for one input.</summary>
    public static GenerationRequest ForPrompt(IReadOnlyList<int> prompt, OrtValue? encoderHiddenStates = null) =>
        new() { Prompts = [prompt], EncoderHiddenStates = encoderHiddenStates };

    /// <summary>Checks the request's shape.</summary>
    /// <exception cref="ArgumentException">No input, an empty prompt, or prompts of different lengths.</exception>
    public void Validate()
    {
        if (Prompts is null || Prompts.Count == 0)
        {
            throw new ArgumentException("A generation request needs at least one prompt.", nameof(Prompts));
        }

        int len = Prompts[0].Count;
        if (len == 0 && PromptEmbeddings is null)
        {
            throw new ArgumentException("A prompt needs at least the decoder start token.", nameof(Prompts));
        }

        if (Prompts.Any(p => p.Count != len))
        {
            throw new ArgumentException("Every prompt of a batch must have the same length (batches are not padded).", nameof(Prompts));
        }
    }
}

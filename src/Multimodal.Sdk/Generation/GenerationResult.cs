namespace Multimodal.Sdk;

/// <summary>One generated sequence: the tokens after the prompt (an ending eos token included) and its scores.</summary>
/// <param name="Tokens">The generated tokens, without the prompt; the eos token that ended it is the last one.</param>
/// <param name="SumLogProb">The sum of the chosen tokens' log-probabilities (after logits processors, before temperature and top-k/p).</param>
/// <param name="Score">The ranking score: for beam search <c>SumLogProb / length^length_penalty</c>, otherwise <see cref="SumLogProb"/>.</param>
/// <param name="EndedWithEos">Whether an eos token ended the sequence (otherwise the length limit did).</param>
internal sealed record GeneratedSequence(int[] Tokens, double SumLogProb, double Score, bool EndedWithEos)
{
    /// <summary>
    /// Gets the average log-probability per generated token, the quantity Whisper's fallback thresholds use
    /// (openai/whisper divides by the text length plus one for the eos, which is <see cref="Tokens"/>' length here).
    /// </summary>
    public double AverageLogProb => Tokens.Length == 0 ? 0 : SumLogProb / Tokens.Length;
}

/// <summary>The sequences of every input, best first for beam search, in draw order for sampling.</summary>
internal sealed record GenerationResult(IReadOnlyList<IReadOnlyList<GeneratedSequence>> Sequences)
{
    /// <summary>Gets the first (best) sequence of the first input.</summary>
    public GeneratedSequence First => Sequences[0][0];
}

/// <summary>A token as it is produced, for streaming.</summary>
/// <param name="InputIndex">The input of the batch it belongs to.</param>
/// <param name="SequenceIndex">Which returned sequence of that input (sampling with several sequences).</param>
/// <param name="TokenId">The token.</param>
/// <param name="LogProb">Its log-probability.</param>
/// <param name="Step">Its index among the generated tokens.</param>
/// <param name="IsEos">Whether it is an eos token (the sequence ends with it).</param>
internal readonly record struct GeneratedToken(int InputIndex, int SequenceIndex, int TokenId, float LogProb, int Step, bool IsEos);

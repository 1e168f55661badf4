namespace Multimodal.Sdk;

/// <summary>
/// Rewrites one sequence's next-token scores before a token is chosen: penalties, bans (write
/// <see cref="float.NegativeInfinity"/>), Whisper's timestamp rules. Greedy and sampling pass raw logits; beam search
/// passes log-probabilities, as Hugging Face does, so a processor should only ban or scale, never assume a range.
/// </summary>
/// <remarks>
/// One instance serves one generation call and may keep per-call scratch state; it is called for every row of
/// every step, one row at a time, never concurrently.
/// </remarks>
internal interface ILogitsProcessor
{
    void Process(in LogitsContext context, Span<float> scores);
}

/// <summary>What a logits processor may look at: the row's whole sequence, forced prompt included.</summary>
internal readonly ref struct LogitsContext
{
    public LogitsContext(ReadOnlySpan<int> tokens, int promptLength, int inputIndex)
    {
        Tokens = tokens;
        PromptLength = promptLength;
        InputIndex = inputIndex;
    }

    /// <summary>Gets every token of the sequence so far: the prompt (decoder start and forced tokens) then the generated ones.</summary>
    public ReadOnlySpan<int> Tokens { get; }

    /// <summary>Gets how many of <see cref="Tokens"/> are prompt.</summary>
    public int PromptLength { get; }

    /// <summary>Gets which input of the batch the row belongs to (beams and returned sequences share their input's index).</summary>
    public int InputIndex { get; }

    /// <summary>Gets the index of the token about to be chosen among the generated ones (0 = the first after the prompt).</summary>
    public int Step => Tokens.Length - PromptLength;

    /// <summary>Gets the generated tokens only.</summary>
    public ReadOnlySpan<int> Generated => Tokens[PromptLength..];
}

namespace Multimodal.Sdk;

/// <summary>
/// The CTRL repetition penalty as Hugging Face applies it: every distinct token already in the sequence (prompt
/// included) has a positive score divided by the penalty and a negative one multiplied by it, once per token.
/// </summary>
internal sealed class RepetitionPenaltyProcessor : ILogitsProcessor
{
    private readonly float _penalty;

    public RepetitionPenaltyProcessor(float penalty)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(penalty);
        _penalty = penalty;
    }

    public void Process(in LogitsContext context, Span<float> scores)
    {
        var tokens = context.Tokens;
        for (int i = 0; i < tokens.Length; i++)
        {
            int t = tokens[i];

            // Only a token's first occurrence counts; the vectorized look-back avoids a vocabulary-sized "seen" set.
            if ((uint)t >= (uint)scores.Length || tokens[..i].Contains(t))
            {
                continue;
            }

            float s = scores[t];
            scores[t] = s < 0 ? s * _penalty : s / _penalty;
        }
    }
}

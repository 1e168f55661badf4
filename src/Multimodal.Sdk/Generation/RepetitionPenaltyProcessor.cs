namespace Multimodal.Sdk;

/// <summary>
/// The CTRL repetition penalty as Hugging Face applies it: every distinct token already in the sequence (prompt
/// included) has a positive score divided by the penalty and a negative one multiplied by it, once per token.
/// </summary>
internal sealed class RepetitionPenaltyProcessor : ILogitsProcessor
{
    private readonly float _penalty;
    private bool[] _seen = [];

    public RepetitionPenaltyProcessor(float penalty)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(penalty);
        _penalty = penalty;
    }

    public void Process(in LogitsContext context, Span<float> scores)
    {
        if (_seen.Length < scores.Length)
        {
            // Once per call (the vocabulary does not change between steps), not per step.
            _seen = new bool[scores.Length];
        }

        var tokens = context.Tokens;
        foreach (int t in tokens)
        {
            if ((uint)t >= (uint)scores.Length || _seen[t])
            {
                continue;
            }

            _seen[t] = true;
            float s = scores[t];
            scores[t] = s < 0 ? s * _penalty : s / _penalty;
        }

        foreach (int t in tokens)
        {
            if ((uint)t < (uint)scores.Length)
            {
                _seen[t] = false;
            }
        }
    }
}

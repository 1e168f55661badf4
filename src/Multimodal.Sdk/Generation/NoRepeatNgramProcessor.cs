namespace Multimodal.Sdk;

/// <summary>
/// Bans every token that would complete an n-gram already present in the sequence (prompt included), as
/// Hugging Face's <c>NoRepeatNGramLogitsProcessor</c> does.
/// </summary>
internal sealed class NoRepeatNgramProcessor : ILogitsProcessor
{
    private readonly int _n;

    public NoRepeatNgramProcessor(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        _n = n;
    }

    public void Process(in LogitsContext context, Span<float> scores)
    {
        var seq = context.Tokens;
        if (seq.Length + 1 < _n)
        {
            return;
        }

        // The n-1 most recent tokens; any earlier occurrence of them forbids the token that followed.
        var tail = seq[(seq.Length - _n + 1)..];
        for (int start = 0; start + _n <= seq.Length; start++)
        {
            if (seq.Slice(start, _n - 1).SequenceEqual(tail))
            {
                int banned = seq[start + _n - 1];
                if ((uint)banned < (uint)scores.Length)
                {
                    scores[banned] = float.NegativeInfinity;
                }
            }
        }
    }
}

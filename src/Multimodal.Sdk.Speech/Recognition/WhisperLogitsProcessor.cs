namespace Multimodal.Sdk;

/// <summary>
/// openai/whisper's token rules as one logits processor, in its order: <c>begin_suppress_tokens</c> on the first
/// step, <c>suppress_tokens</c> always, then with timestamps the <c>ApplyTimestampRules</c> of
/// <c>decoding.py</c>: timestamps come in pairs (after a lone timestamp the next is text or its partner; after a pair,
/// text or the end), never go backwards, the first token is a timestamp no later than
/// <c>max_initial_timestamp_index</c>, and when the timestamps together are more likely than any text token a
/// timestamp is forced.
/// </summary>
/// <remarks>One instance serves one generation call (it keeps a scratch row); not for concurrent use.</remarks>
internal sealed class WhisperLogitsProcessor : ILogitsProcessor
{
    private readonly WhisperTokens _tokens;
    private readonly bool _timestamps;
    private float[] _scratch = [];

    public WhisperLogitsProcessor(WhisperTokens tokens, bool timestamps)
    {
        _tokens = tokens;
        _timestamps = timestamps;
    }

    public void Process(in LogitsContext context, Span<float> scores)
    {
        var generated = context.Generated;
        if (generated.IsEmpty)
        {
            Ban(scores, _tokens.BeginSuppress);
        }

        Ban(scores, _tokens.Suppress);
        if (!_timestamps)
        {
            return;
        }

        int tb = Math.Min(_tokens.TimestampBegin, scores.Length);
        Ban(scores, _tokens.NoTimestamps);
        bool lastIsTimestamp = generated.Length >= 1 && generated[^1] >= tb;
        bool penultimateIsTimestamp = generated.Length < 2 || generated[^2] >= tb;
        if (lastIsTimestamp)
        {
            if (penultimateIsTimestamp)
            {
                scores[tb..].Fill(float.NegativeInfinity);
            }
            else
            {
                scores[..Math.Min(_tokens.EndOfText, scores.Length)].Fill(float.NegativeInfinity);
            }
        }

        int lastTimestamp = -1;
        for (int i = generated.Length - 1; i >= 0; i--)
        {
            if (generated[i] >= tb)
            {
                lastTimestamp = generated[i];
                break;
            }
        }

        if (lastTimestamp >= 0)
        {
            // Timestamps never decrease; a closing timestamp may equal its opening one, a new segment must move on.
            int end = lastIsTimestamp && !penultimateIsTimestamp ? lastTimestamp : lastTimestamp + 1;
            scores[tb..Math.Min(end, scores.Length)].Fill(float.NegativeInfinity);
        }

        if (generated.IsEmpty)
        {
            scores[..tb].Fill(float.NegativeInfinity);
            if (_tokens.MaxInitialTimestampIndex is { } maxInitial && tb + maxInitial + 1 < scores.Length)
            {
                scores[(tb + maxInitial + 1)..].Fill(float.NegativeInfinity);
            }
        }

        if (_scratch.Length < scores.Length)
        {
            _scratch = new float[scores.Length];
        }

        // Compared on logits rather than log-probabilities: the softmax normalizer cancels on both sides.
        var text = scores[..tb];
        float timestampMass = LogitsMath.LogSumExp(scores[tb..], _scratch);
        float bestText = text.IsEmpty ? float.NegativeInfinity : System.Numerics.Tensors.TensorPrimitives.Max(text);
        if (timestampMass > bestText)
        {
            text.Fill(float.NegativeInfinity);
        }
    }

    private static void Ban(Span<float> scores, IReadOnlyList<int> ids)
    {
        foreach (int id in ids)
        {
            Ban(scores, id);
        }
    }

    private static void Ban(Span<float> scores, int id)
    {
        if ((uint)id < (uint)scores.Length)
        {
            scores[id] = float.NegativeInfinity;
        }
    }
}

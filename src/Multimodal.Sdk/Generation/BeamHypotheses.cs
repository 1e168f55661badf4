namespace Multimodal.Sdk;

/// <summary>
/// The finished hypotheses of one input in beam search, at most <c>num_beams</c>, ranked by
/// <c>sum_logprobs / length^length_penalty</c> (length = generated tokens, eos included), with Hugging Face's
/// rule for when no running beam can still do better.
/// </summary>
/// <remarks>Not safe for concurrent use.</remarks>
internal sealed class BeamHypotheses
{
    private readonly int _numBeams;
    private readonly float _lengthPenalty;
    private readonly bool _earlyStopping;
    private readonly List<GeneratedSequence> _beams;
    private double _worst = double.MaxValue;

    public BeamHypotheses(int numBeams, float lengthPenalty, bool earlyStopping)
    {
        _numBeams = numBeams;
        _lengthPenalty = lengthPenalty;
        _earlyStopping = earlyStopping;
        _beams = new List<GeneratedSequence>(numBeams + 1);
    }

    public int Count => _beams.Count;

    /// <summary>Offers a hypothesis; it is kept when there is room or it beats the worst kept one.</summary>
    public void Add(ReadOnlySpan<int> generated, double sumLogProb, bool endedWithEos)
    {
        double score = sumLogProb / Math.Pow(generated.Length, _lengthPenalty);
        if (_beams.Count >= _numBeams && score <= _worst)
        {
            return;
        }

        _beams.Add(new GeneratedSequence(generated.ToArray(), sumLogProb, score, endedWithEos));
        if (_beams.Count > _numBeams)
        {
            int worstIndex = 0;
            for (int i = 1; i < _beams.Count; i++)
            {
                if (_beams[i].Score < _beams[worstIndex].Score)
                {
                    worstIndex = i;
                }
            }

            _beams.RemoveAt(worstIndex);
            _worst = _beams.Min(b => b.Score);
        }
        else
        {
            _worst = Math.Min(score, _worst);
        }
    }

    /// <summary>
    /// Gets whether this input is done: enough hypotheses and, unless early stopping, none of the running beams
    /// (the best of which has <paramref name="bestRunningSum"/>) can beat the worst kept one at its current length.
    /// </summary>
    public bool IsDone(double bestRunningSum, int generatedLength)
    {
        if (_beams.Count < _numBeams)
        {
            return false;
        }

        return _earlyStopping || _worst >= bestRunningSum / Math.Pow(generatedLength, _lengthPenalty);
    }

    /// <summary>Gets the best <paramref name="count"/> hypotheses, best first.</summary>
    public IReadOnlyList<GeneratedSequence> Best(int count) =>
        [.. _beams.OrderByDescending(b => b.Score).Take(count)];
}

using System.Numerics.Tensors;

namespace Multimodal.Sdk;

/// <summary>
/// Draws a token with Hugging Face's warpers in their order: temperature, then top-k (ties with the k-th value
/// kept), then top-p (the smallest set of most likely tokens whose probability reaches p). Seeded: the same seed
/// and logits give the same tokens on every machine (<see cref="Random(int)"/> is a fixed algorithm).
/// </summary>
/// <remarks>Not safe for concurrent use; one per generation call.</remarks>
internal sealed class TokenSampler
{
    private readonly float _temperature;
    private readonly int _topK;
    private readonly float _topP;
    private readonly Random _random;

    public TokenSampler(float temperature, int topK, float topP, int? seed)
    {
        _temperature = temperature;
        _topK = topK;
        _topP = topP;
        _random = new Random(seed ?? Random.Shared.Next());
    }

    /// <summary>Writes the warped distribution of <paramref name="logits"/> into <paramref name="probabilities"/>.</summary>
    /// <param name="logits">The processed logits.</param>
    /// <param name="probabilities">Receives the probabilities (same length).</param>
    /// <param name="sortScratch">Scratch of the same length, used for the top-k threshold and the top-p cut.</param>
    public void Distribution(ReadOnlySpan<float> logits, Span<float> probabilities, Span<float> sortScratch)
    {
        int v = logits.Length;
        var p = probabilities[..v];
        if (_temperature == 1f)
        {
            logits.CopyTo(p);
        }
        else
        {
            TensorPrimitives.Divide(logits, _temperature, p);
        }

        if (_topK > 0 && _topK < v)
        {
            var sorted = sortScratch[..v];
            p.CopyTo(sorted);
            sorted.Sort();
            float kth = sorted[v - _topK];
            for (int i = 0; i < v; i++)
            {
                if (p[i] < kth)
                {
                    p[i] = float.NegativeInfinity;
                }
            }
        }

        float max = TensorPrimitives.Max(p);
        TensorPrimitives.Subtract(p, max, p);
        TensorPrimitives.Exp(p, p);
        TensorPrimitives.Divide(p, TensorPrimitives.Sum(p), p);

        if (_topP < 1f)
        {
            var sorted = sortScratch[..v];
            p.CopyTo(sorted);
            sorted.Sort();

            // Walk from the most likely down: a token is kept while the mass before it is still below p.
            float cutoff = sorted[v - 1];
            double cumulative = 0;
            for (int j = v - 1; j >= 0 && cumulative < _topP; j--)
            {
                cutoff = sorted[j];
                cumulative += sorted[j];
            }

            for (int i = 0; i < v; i++)
            {
                if (p[i] < cutoff)
                {
                    p[i] = 0;
                }
            }

            TensorPrimitives.Divide(p, TensorPrimitives.Sum(p), p);
        }
    }

    /// <summary>Draws a token from the warped distribution of <paramref name="logits"/>.</summary>
    public int Sample(ReadOnlySpan<float> logits, Span<float> probabilities, Span<float> sortScratch)
    {
        Distribution(logits, probabilities, sortScratch);
        var p = probabilities[..logits.Length];
        double u = _random.NextDouble();
        double cumulative = 0;
        int last = 0;
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] <= 0)
            {
                continue;
            }

            last = i;
            cumulative += p[i];
            if (u < cumulative)
            {
                return i;
            }
        }

        // Rounding left u above the total: the last token with any mass.
        return last;
    }
}

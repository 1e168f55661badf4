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
            float kth = KthLargest(p, _topK, sortScratch);
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
            // Only tokens with any mass can be kept (after top-k that is about k of them): sort just those.
            int m = 0;
            for (int i = 0; i < v; i++)
            {
                if (p[i] > 0)
                {
                    sortScratch[m++] = p[i];
                }
            }

            var sorted = sortScratch[..m];
            sorted.Sort();

            // Walk from the most likely down: a token is kept while the mass before it is still below p.
            float cutoff = m > 0 ? sorted[m - 1] : 0;
            double cumulative = 0;
            for (int j = m - 1; j >= 0 && cumulative < _topP; j--)
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

    /// <summary>Gets the k-th largest value with a k-element min-heap in <paramref name="heapScratch"/>: O(V log k), no full sort.</summary>
    internal static float KthLargest(ReadOnlySpan<float> values, int k, Span<float> heapScratch)
    {
        var heap = heapScratch[..k];
        values[..k].CopyTo(heap);
        for (int i = (k / 2) - 1; i >= 0; i--)
        {
            SiftDown(heap, i);
        }

        for (int i = k; i < values.Length; i++)
        {
            if (values[i] > heap[0])
            {
                heap[0] = values[i];
                SiftDown(heap, 0);
            }
        }

        return heap[0];
    }

    private static void SiftDown(Span<float> heap, int i)
    {
        while (true)
        {
            int smallest = i;
            int left = (2 * i) + 1;
            int right = left + 1;
            if (left < heap.Length && heap[left] < heap[smallest])
            {
                smallest = left;
            }

            if (right < heap.Length && heap[right] < heap[smallest])
            {
                smallest = right;
            }

            if (smallest == i)
            {
                return;
            }

            (heap[i], heap[smallest]) = (heap[smallest], heap[i]);
            i = smallest;
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

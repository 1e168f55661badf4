using System.Numerics.Tensors;

namespace Multimodal.Sdk;

/// <summary>Vocabulary-row arithmetic with <see cref="TensorPrimitives"/>, into caller-provided scratch (no allocation).</summary>
internal static class LogitsMath
{
    /// <summary>Gets log(sum(exp(row))), stable for any range; <see cref="float.NegativeInfinity"/> when every entry is banned.</summary>
    public static float LogSumExp(ReadOnlySpan<float> row, Span<float> scratch)
    {
        float max = TensorPrimitives.Max(row);
        if (float.IsNegativeInfinity(max))
        {
            return max;
        }

        var tmp = scratch[..row.Length];
        TensorPrimitives.Subtract(row, max, tmp);
        TensorPrimitives.Exp(tmp, tmp);
        return max + MathF.Log(TensorPrimitives.Sum(tmp));
    }

    /// <summary>Turns logits into log-probabilities in place.</summary>
    public static void LogSoftmaxInPlace(Span<float> row, Span<float> scratch)
    {
        float lse = LogSumExp(row, scratch);
        TensorPrimitives.Subtract(row, lse, row);
    }

    /// <summary>Gets the first index of the largest value (torch.argmax's choice among ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        float bestValue = float.NegativeInfinity;
        for (int i = 0; i < row.Length; i++)
        {
            if (row[i] > bestValue)
            {
                bestValue = row[i];
                best = i;
            }
        }

        return best;
    }
}

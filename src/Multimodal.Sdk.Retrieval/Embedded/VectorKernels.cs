using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Multimodal.Sdk;

/// <summary>
/// The scan loops of exact search: float32 dot products with <see cref="TensorPrimitives"/>, and int8 dot products
/// (an AVX2 path beside a scalar baseline; tests run both). Scores are computed first and the row is accepted
/// (tombstone, modality, metadata) only when it would enter the heap, so filters cost nothing on the bulk of rows.
/// </summary>
internal static class VectorKernels
{
    /// <summary>Forces the scalar int8 path (tests compare it with the SIMD path).</summary>
    internal static bool DisableSimd { get; set; }

    /// <summary>Quantizes an L2-normalized vector to int8 with one symmetric scale: <c>x ~ scale * q</c>.</summary>
    public static float Quantize(ReadOnlySpan<float> vector, Span<sbyte> quantized)
    {
        float max = TensorPrimitives.MaxMagnitude(vector);
        float max1 = Math.Abs(max);
        if (max1 == 0)
        {
            quantized.Clear();
            return 0;
        }

        float inv = 127f / max1;
        for (int i = 0; i < vector.Length; i++)
        {
            quantized[i] = (sbyte)Math.Clamp(MathF.Round(vector[i] * inv), -127f, 127f);
        }

        return max1 / 127f;
    }

    /// <summary>Scans contiguous float rows: for each, the dot product with the query; offers rows that beat the heap.</summary>
    public static void ScanFloat(ReadOnlySpan<float> query, ReadOnlySpan<float> rows, int rowBase, TopK heap, Func<int, bool> accept)
    {
        int dim = query.Length;
        int count = rows.Length / dim;
        for (int r = 0; r < count; r++)
        {
            float s = TensorPrimitives.Dot(query, rows.Slice(r * dim, dim));
            if (s > heap.Threshold && accept(rowBase + r))
            {
                heap.Offer(s, rowBase + r);
            }
        }
    }

    /// <summary>
    /// Scans contiguous float rows for several queries at once, a block of rows at a time so each block is read from
    /// memory once and reused from cache by every query.
    /// </summary>
    public static void ScanFloatBatch(ReadOnlySpan<float> queries, int dim, ReadOnlySpan<float> rows, int rowBase, TopK[] heaps, Func<int, bool> accept)
    {
        const int Block = 32;
        int count = rows.Length / dim;
        for (int start = 0; start < count; start += Block)
        {
            int n = Math.Min(Block, count - start);
            for (int q = 0; q < heaps.Length; q++)
            {
                var query = queries.Slice(q * dim, dim);
                var heap = heaps[q];
                for (int r = start; r < start + n; r++)
                {
                    float s = TensorPrimitives.Dot(query, rows.Slice(r * dim, dim));
                    if (s > heap.Threshold && accept(rowBase + r))
                    {
                        heap.Offer(s, rowBase + r);
                    }
                }
            }
        }
    }

    /// <summary>Scans int8 rows: approximate score <c>queryScale * rowScale * (q . row)</c>.</summary>
    public static void ScanInt8(ReadOnlySpan<sbyte> query, float queryScale, ReadOnlySpan<sbyte> rows, ReadOnlySpan<float> scales, int rowBase, TopK heap, Func<int, bool> accept)
    {
        int dim = query.Length;
        for (int r = 0; r < scales.Length; r++)
        {
            float s = queryScale * scales[r] * DotInt8(query, rows.Slice(r * dim, dim));
            if (s > heap.Threshold && accept(rowBase + r))
            {
                heap.Offer(s, rowBase + r);
            }
        }
    }

    /// <summary>The exact integer dot product of two int8 vectors.</summary>
    public static int DotInt8(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        if (!DisableSimd && Avx2.IsSupported && a.Length >= 32)
        {
            return DotInt8Avx2(a, b);
        }

        return DotInt8Scalar(a, b);
    }

    internal static int DotInt8Scalar(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        int sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int DotInt8Avx2(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        ref sbyte pa = ref MemoryMarshal.GetReference(a);
        ref sbyte pb = ref MemoryMarshal.GetReference(b);
        var acc = Vector256<int>.Zero;
        int i = 0;
        for (; i <= a.Length - 16; i += 16)
        {
            // Sign-extend 16 int8 to 16 int16, then vpmaddwd: pairwise products summed into 8 int32 lanes.
            var va = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref pa, (nuint)i));
            var vb = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref pb, (nuint)i));
            acc = Avx2.Add(acc, Avx2.MultiplyAddAdjacent(va, vb));
        }

        int sum = Vector256.Sum(acc);
        for (; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}

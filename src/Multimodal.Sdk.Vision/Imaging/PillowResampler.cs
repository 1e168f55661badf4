using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Multimodal.Sdk;

/// <summary>
/// Pillow's <c>Image.resize</c> on 8-bit RGB (<c>ImagingResample</c>: separable, horizontal pass then vertical
/// pass, 22-bit fixed-point weights, clipped to 8 bits between passes; nearest is <c>ImagingScaleAffine</c>),
/// computing only a window of the output so a following center crop costs nothing extra.
/// </summary>
/// <remarks>
/// Stateless and safe for concurrent use. <c>useSimd: false</c> is the scalar baseline that mirrors Pillow's loops;
/// the SIMD path does the same integer arithmetic, so both give identical bytes.
/// </remarks>
internal static class PillowResampler
{
    private const int Half = 1 << (ResampleCoefficients.PrecisionBits - 1);

    /// <summary>
    /// Resizes <paramref name="src"/> (<paramref name="srcWidth"/> x <paramref name="srcHeight"/>) to
    /// <paramref name="outWidth"/> x <paramref name="outHeight"/> and writes the window starting at
    /// (<paramref name="windowX"/>, <paramref name="windowY"/>) of <paramref name="windowWidth"/> x
    /// <paramref name="windowHeight"/> pixels of that result into <paramref name="dst"/>, tightly packed.
    /// </summary>
    public static void Resize(
        ReadOnlySpan<byte> src,
        int srcWidth,
        int srcHeight,
        int outWidth,
        int outHeight,
        ResampleFilter filter,
        Span<byte> dst,
        int windowX,
        int windowY,
        int windowWidth,
        int windowHeight,
        bool useSimd,
        bool allowVector256 = true)
    {
        Validate(src, srcWidth, srcHeight, outWidth, outHeight, dst, windowX, windowY, windowWidth, windowHeight);
        int srcStride = srcWidth * 3;
        int windowStride = windowWidth * 3;

        if (outWidth == srcWidth && outHeight == srcHeight)
        {
            // Pillow returns a copy when the size does not change, whatever the filter.
            for (int y = 0; y < windowHeight; y++)
            {
                src.Slice(((windowY + y) * srcStride) + (windowX * 3), windowStride).CopyTo(dst.Slice(y * windowStride, windowStride));
            }

            return;
        }

        if (filter == ResampleFilter.Nearest)
        {
            Nearest(src, srcWidth, srcHeight, outWidth, outHeight, dst, windowX, windowY, windowWidth, windowHeight);
            return;
        }

        bool needHorizontal = outWidth != srcWidth;
        bool needVertical = outHeight != srcHeight;

        if (!needVertical)
        {
            using var cx = ResampleCoefficients.Compute(srcWidth, outWidth, filter, windowX, windowWidth);
            Horizontal(src, srcStride, windowY, windowHeight, cx, dst, windowStride, useSimd, allowVector256);
            return;
        }

        using var cy = ResampleCoefficients.Compute(srcHeight, outHeight, filter, windowY, windowHeight, withPaddedForm: false);
        if (!needHorizontal)
        {
            Vertical(src, srcStride, windowX * 3, 0, windowStride, cy, dst, windowStride, useSimd, allowVector256);
            return;
        }

        // Like Pillow, run the horizontal pass only over the source rows the vertical pass will read.
        int firstRow = cy.Start[0];
        int endRow = cy.Start[^1] + cy.Count[^1];
        int rows = endRow - firstRow;
        byte[] temp = ImageBuffers.Rent<byte>(checked(rows * windowStride));
        try
        {
            using (var cx = ResampleCoefficients.Compute(srcWidth, outWidth, filter, windowX, windowWidth))
            {
                Horizontal(src, srcStride, firstRow, rows, cx, temp, windowStride, useSimd, allowVector256);
            }

            Vertical(temp, windowStride, 0, firstRow, windowStride, cy, dst, windowStride, useSimd, allowVector256);
        }
        finally
        {
            ImageBuffers.Return(temp);
        }
    }

    /// <summary>
    /// The bytes <see cref="Resize"/> holds besides its source and destination for the same arguments (filter weights
    /// and the intermediate rows between the passes), computed in 64 bits without allocating. Shrinking a 1 x 10,000,000
    /// strip to 64 x 64 needs about 2.3 GB of them; callers compare this with a budget before resizing.
    /// </summary>
    public static long IntermediateBytes(int srcWidth, int srcHeight, int outWidth, int outHeight, ResampleFilter filter, int windowWidth, int windowHeight)
    {
        if (outWidth == srcWidth && outHeight == srcHeight)
        {
            return 0;
        }

        if (filter == ResampleFilter.Nearest)
        {
            return (long)windowWidth * sizeof(int);
        }

        bool needHorizontal = outWidth != srcWidth;
        bool needVertical = outHeight != srcHeight;
        long bytes = needHorizontal ? ResampleCoefficients.EstimateBytes(srcWidth, outWidth, filter, windowWidth) : 0;
        if (needVertical)
        {
            bytes += ResampleCoefficients.EstimateBytes(srcHeight, outHeight, filter, windowHeight, withPaddedForm: false);
        }

        if (needHorizontal && needVertical)
        {
            // The rows the vertical pass reads: the window's span of the source plus one kernel.
            double scale = (double)srcHeight / outHeight;
            long rows = Math.Min(srcHeight, (long)Math.Ceiling(windowHeight * scale) + ResampleCoefficients.KernelSizeOf(srcHeight, outHeight, filter) + 2);
            bytes += rows * windowWidth * 3;
        }

        return bytes;
    }

    private static void Validate(ReadOnlySpan<byte> src, int srcWidth, int srcHeight, int outWidth, int outHeight, Span<byte> dst, int windowX, int windowY, int windowWidth, int windowHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(srcWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(srcHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(windowWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(windowHeight);
        ArgumentOutOfRangeException.ThrowIfNegative(windowX);
        ArgumentOutOfRangeException.ThrowIfNegative(windowY);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(windowX + windowWidth, outWidth, nameof(windowWidth));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(windowY + windowHeight, outHeight, nameof(windowHeight));
        if (src.Length < (long)srcWidth * srcHeight * 3)
        {
            throw new ArgumentException($"The source holds {src.Length} bytes; {srcWidth} x {srcHeight} RGB needs {(long)srcWidth * srcHeight * 3}.", nameof(src));
        }

        if (dst.Length < (long)windowWidth * windowHeight * 3)
        {
            throw new ArgumentException($"The destination holds {dst.Length} bytes; the {windowWidth} x {windowHeight} window needs {(long)windowWidth * windowHeight * 3}.", nameof(dst));
        }
    }

    private static void Nearest(ReadOnlySpan<byte> src, int srcWidth, int srcHeight, int outWidth, int outHeight, Span<byte> dst, int windowX, int windowY, int windowWidth, int windowHeight)
    {
        // ImagingScaleAffine: positions accumulate in doubles from the first pixel's center; summing (rather than
        // multiplying) reproduces Pillow's rounding at exact halves.
        double ax = (double)(float)srcWidth / outWidth;
        double ay = (double)(float)srcHeight / outHeight;
        int[] columns = ImageBuffers.Rent<int>(windowWidth);
        try
        {
            double xo = ax * 0.5;
            for (int x = 0; x < windowX + windowWidth; x++)
            {
                if (x >= windowX)
                {
                    int xin = xo < 0.0 ? -1 : (int)xo;
                    columns[x - windowX] = xin < srcWidth ? xin : -1;
                }

                xo += ax;
            }

            double yo = ay * 0.5;
            int srcStride = srcWidth * 3;
            for (int y = 0; y < windowY + windowHeight; y++)
            {
                if (y >= windowY)
                {
                    int yin = yo < 0.0 ? -1 : (int)yo;
                    var row = dst.Slice((y - windowY) * windowWidth * 3, windowWidth * 3);
                    if (yin < 0 || yin >= srcHeight)
                    {
                        row.Clear();
                    }
                    else
                    {
                        var srcRow = src.Slice(yin * srcStride, srcStride);
                        for (int x = 0; x < windowWidth; x++)
                        {
                            int c = columns[x];
                            if (c < 0)
                            {
                                row.Slice(x * 3, 3).Clear();
                            }
                            else
                            {
                                srcRow.Slice(c * 3, 3).CopyTo(row.Slice(x * 3, 3));
                            }
                        }
                    }
                }

                yo += ay;
            }
        }
        finally
        {
            ImageBuffers.Return(columns);
        }
    }

    private static void Horizontal(ReadOnlySpan<byte> src, int srcStride, int firstRow, int rows, ResampleCoefficients cx, Span<byte> dst, int dstStride, bool useSimd, bool allowVector256)
    {
        bool simd = useSimd && Vector128.IsHardwareAccelerated && cx.HasPaddedForm;
        for (int r = 0; r < rows; r++)
        {
            int rowStart = (firstRow + r) * srcStride;
            var dstRow = dst.Slice(r * dstStride, cx.Outputs * 3);

            // The SIMD loops read up to 2 bytes past a row's last pixel; only the image's very last row has none after it.
            if (simd && rowStart + srcStride + 2 <= src.Length)
            {
                if (allowVector256 && Vector256.IsHardwareAccelerated)
                {
                    HorizontalRowSimd256(src[rowStart..], cx, dstRow);
                }
                else
                {
                    HorizontalRowSimd128(src[rowStart..], cx, dstRow);
                }
            }
            else
            {
                HorizontalRowScalar(src.Slice(rowStart, srcStride), cx, dstRow);
            }
        }
    }

    private static void HorizontalRowScalar(ReadOnlySpan<byte> row, ResampleCoefficients cx, Span<byte> dst)
    {
        var start = cx.Start;
        var count = cx.Count;
        var weights = cx.Weights;
        int kernelSize = cx.KernelSize;
        for (int i = 0; i < cx.Outputs; i++)
        {
            var k = weights.Slice(i * kernelSize, kernelSize);
            int p = start[i] * 3;
            int s0 = Half, s1 = Half, s2 = Half;
            for (int t = 0; t < count[i]; t++, p += 3)
            {
                s0 += row[p] * k[t];
                s1 += row[p + 1] * k[t];
                s2 += row[p + 2] * k[t];
            }

            dst[i * 3] = Clip8(s0);
            dst[(i * 3) + 1] = Clip8(s1);
            dst[(i * 3) + 2] = Clip8(s2);
        }
    }

    private static void HorizontalRowSimd128(ReadOnlySpan<byte> rowAndBeyond, ResampleCoefficients cx, Span<byte> dst)
    {
        // One pixel per vector (R, G, B, next byte): the fourth lane is computed and thrown away. Every output reads
        // exactly PaddedKernelSize pixels, so the inner loop has no data-dependent bound.
        ref byte row = ref MemoryMarshal.GetReference(rowAndBeyond);
        ref int weights = ref MemoryMarshal.GetReference(cx.QuadWeights);
        var starts = cx.PaddedStart;
        int kernelSize = cx.PaddedKernelSize;
        var max = Vector128.Create(255);
        for (int i = 0; i < cx.Outputs; i++)
        {
            ref byte p = ref Unsafe.Add(ref row, starts[i] * 3);
            ref int k = ref Unsafe.Add(ref weights, i * kernelSize * 4);
            var acc = Vector128.Create(Half);
            for (int t = 0; t < kernelSize; t++)
            {
                uint four = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p, t * 3));
                var pixel = Vector128.WidenLower(Vector128.WidenLower(Vector128.CreateScalarUnsafe(four).AsByte())).AsInt32();
                acc += pixel * Vector128.LoadUnsafe(ref k, (nuint)(t * 4));
            }

            Store3(Vector128.Min(Vector128.Max(Vector128.ShiftRightArithmetic(acc, ResampleCoefficients.PrecisionBits), Vector128<int>.Zero), max), dst, i);
        }
    }

    private static void HorizontalRowSimd256(ReadOnlySpan<byte> rowAndBeyond, ResampleCoefficients cx, Span<byte> dst)
    {
        // Two taps per vector: 8 bytes hold pixel t and t + 1 (plus 2 bytes of t + 2), shuffled to
        // (R G B x R G B x) and widened to 8 ints; the fourth and eighth lanes are never used. The halves are
        // summed at the end, so the result is the same integer sum as the scalar loop.
        ref byte row = ref MemoryMarshal.GetReference(rowAndBeyond);
        ref int weights = ref MemoryMarshal.GetReference(cx.QuadWeights);
        var starts = cx.PaddedStart;
        int kernelSize = cx.PaddedKernelSize;
        var half = Vector128.Create(Half);
        var max = Vector128.Create(255);
        var pairs = Vector128.Create((byte)0, 1, 2, 3, 3, 4, 5, 6, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF);
        for (int i = 0; i < cx.Outputs; i++)
        {
            ref byte p = ref Unsafe.Add(ref row, starts[i] * 3);
            ref int k = ref Unsafe.Add(ref weights, i * kernelSize * 4);
            var acc = Vector256<int>.Zero;
            for (int t = 0; t < kernelSize; t += 2)
            {
                ulong eight = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, t * 3));
                var bytes = Vector128.Shuffle(Vector128.CreateScalarUnsafe(eight).AsByte(), pairs);
                var pixels = Vector256.WidenLower(Vector256.WidenLower(bytes.ToVector256Unsafe())).AsInt32();
                acc += pixels * Vector256.LoadUnsafe(ref k, (nuint)(t * 4));
            }

            var sum = acc.GetLower() + acc.GetUpper() + half;
            Store3(Vector128.Min(Vector128.Max(Vector128.ShiftRightArithmetic(sum, ResampleCoefficients.PrecisionBits), Vector128<int>.Zero), max), dst, i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store3(Vector128<int> v, Span<byte> dst, int pixel)
    {
        dst[pixel * 3] = (byte)v.GetElement(0);
        dst[(pixel * 3) + 1] = (byte)v.GetElement(1);
        dst[(pixel * 3) + 2] = (byte)v.GetElement(2);
    }

    private static void Vertical(ReadOnlySpan<byte> src, int srcStride, int srcOffset, int rowShift, int widthBytes, ResampleCoefficients cy, Span<byte> dst, int dstStride, bool useSimd, bool allowVector256)
    {
        var start = cy.Start;
        var count = cy.Count;
        var weights = cy.Weights;
        int kernelSize = cy.KernelSize;
        for (int i = 0; i < cy.Outputs; i++)
        {
            var k = weights.Slice(i * kernelSize, count[i]);
            int firstRow = start[i] - rowShift;
            var dstRow = dst.Slice(i * dstStride, widthBytes);
            int x = 0;
            if (useSimd && Vector128.IsHardwareAccelerated)
            {
                x = VerticalRowSimd(src, srcStride, srcOffset, firstRow, k, dstRow, allowVector256);
            }

            for (; x < widthBytes; x++)
            {
                int s = Half;
                int p = ((firstRow * srcStride) + srcOffset) + x;
                for (int t = 0; t < k.Length; t++, p += srcStride)
                {
                    s += src[p] * k[t];
                }

                dstRow[x] = Clip8(s);
            }
        }
    }

    /// <summary>Vectorizes one output row 16 bytes at a time; returns how many bytes it wrote (the rest is for the scalar tail).</summary>
    private static int VerticalRowSimd(ReadOnlySpan<byte> src, int srcStride, int srcOffset, int firstRow, ReadOnlySpan<int> k, Span<byte> dstRow, bool allowVector256)
    {
        ref byte source = ref Unsafe.Add(ref MemoryMarshal.GetReference(src), (firstRow * srcStride) + srcOffset);
        ref byte destination = ref MemoryMarshal.GetReference(dstRow);
        int width = dstRow.Length;
        int x = 0;
        if (allowVector256 && Vector256.IsHardwareAccelerated)
        {
            var half = Vector256.Create(Half);
            var max = Vector256.Create(255);
            for (; x + 16 <= width; x += 16)
            {
                var lo = half;
                var hi = half;
                ref byte column = ref Unsafe.Add(ref source, x);
                for (int t = 0; t < k.Length; t++)
                {
                    var bytes = Vector128.LoadUnsafe(ref Unsafe.Add(ref column, t * srcStride));
                    var words = Vector256.WidenLower(bytes.ToVector256Unsafe());
                    var w = Vector256.Create(k[t]);
                    lo += Vector256.WidenLower(words).AsInt32() * w;
                    hi += Vector256.WidenUpper(words).AsInt32() * w;
                }

                lo = Vector256.Min(Vector256.Max(Vector256.ShiftRightArithmetic(lo, ResampleCoefficients.PrecisionBits), Vector256<int>.Zero), max);
                hi = Vector256.Min(Vector256.Max(Vector256.ShiftRightArithmetic(hi, ResampleCoefficients.PrecisionBits), Vector256<int>.Zero), max);
                var shorts = Vector256.Narrow(lo, hi);
                Vector256.Narrow(shorts, shorts).AsByte().GetLower().StoreUnsafe(ref destination, (nuint)x);
            }
        }
        else
        {
            var half = Vector128.Create(Half);
            var max = Vector128.Create(255);
            for (; x + 16 <= width; x += 16)
            {
                Vector128<int> a0 = half, a1 = half, a2 = half, a3 = half;
                ref byte column = ref Unsafe.Add(ref source, x);
                for (int t = 0; t < k.Length; t++)
                {
                    var bytes = Vector128.LoadUnsafe(ref Unsafe.Add(ref column, t * srcStride));
                    var lower = Vector128.WidenLower(bytes);
                    var upper = Vector128.WidenUpper(bytes);
                    var w = Vector128.Create(k[t]);
                    a0 += Vector128.WidenLower(lower).AsInt32() * w;
                    a1 += Vector128.WidenUpper(lower).AsInt32() * w;
                    a2 += Vector128.WidenLower(upper).AsInt32() * w;
                    a3 += Vector128.WidenUpper(upper).AsInt32() * w;
                }

                var s01 = Vector128.Narrow(Clip(a0, max), Clip(a1, max));
                var s23 = Vector128.Narrow(Clip(a2, max), Clip(a3, max));
                Vector128.Narrow(s01, s23).AsByte().StoreUnsafe(ref destination, (nuint)x);
            }
        }

        return x;

        static Vector128<int> Clip(Vector128<int> a, Vector128<int> max) =>
            Vector128.Min(Vector128.Max(Vector128.ShiftRightArithmetic(a, ResampleCoefficients.PrecisionBits), Vector128<int>.Zero), max);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte Clip8(int value)
    {
        // Pillow's clip8 table lookup of value >> PRECISION_BITS, as arithmetic.
        int v = value >> ResampleCoefficients.PrecisionBits;
        return v <= 0 ? (byte)0 : v >= 255 ? (byte)255 : (byte)v;
    }
}

namespace Multimodal.Sdk;

/// <summary>
/// Fixed-point weights of one resampling axis, as Pillow's <c>precompute_coeffs</c> and
/// <c>normalize_coeffs_8bpc</c> compute them, for a window of the output positions (the part a center crop keeps:
/// every output pixel depends only on its own weights, so skipping the cropped-away ones changes nothing).
/// </summary>
/// <remarks>Buffers are pooled; dispose after the pass. Not safe for concurrent use.</remarks>
internal sealed class ResampleCoefficients : IDisposable
{
    /// <summary>Fixed-point precision of the weights: 32 bits less 8 for the pixel and 2 for overshoot and sign.</summary>
    public const int PrecisionBits = 32 - 8 - 2;

    private int[] _start;
    private int[] _count;
    private int[] _weights;
    private int[] _paddedStart;
    private int[] _paddedWeights;
    private int[] _quadWeights;

    private readonly bool _withPaddedForm;

    private ResampleCoefficients(int inSize, int outputs, int kernelSize, bool withPaddedForm)
    {
        _withPaddedForm = withPaddedForm;
        InSize = inSize;
        Outputs = outputs;
        KernelSize = kernelSize;
        PaddedKernelSize = (kernelSize + 1) & ~1;
        _start = ImageBuffers.Rent<int>(outputs);
        _count = ImageBuffers.Rent<int>(outputs);
        _weights = ImageBuffers.Rent<int>(checked(outputs * kernelSize));
        bool padded = HasPaddedForm;
        _paddedStart = padded ? ImageBuffers.Rent<int>(outputs) : [];
        _paddedWeights = padded ? ImageBuffers.Rent<int>(outputs * PaddedKernelSize) : [];
        _quadWeights = padded ? ImageBuffers.Rent<int>(checked(outputs * PaddedKernelSize * 4)) : [];
    }

    public int InSize { get; }

    /// <summary>Gets the number of output positions described (the window, not the whole output).</summary>
    public int Outputs { get; }

    /// <summary>Gets the most taps one output uses (Pillow's <c>ksize</c>); the row stride of the weights.</summary>
    public int KernelSize { get; }

    /// <summary>Gets the taps per output of the SIMD form: <see cref="KernelSize"/> rounded up to even, so taps go in pairs.</summary>
    public int PaddedKernelSize { get; }

    /// <summary>Gets a value indicating whether every output can read exactly <see cref="PaddedKernelSize"/> inputs without leaving the source (the SIMD form).</summary>
    public bool HasPaddedForm => _withPaddedForm && InSize >= PaddedKernelSize;

    /// <summary>Gets Pillow's first input index per output.</summary>
    public ReadOnlySpan<int> Start => _start.AsSpan(0, Outputs);

    /// <summary>Gets Pillow's number of taps per output.</summary>
    public ReadOnlySpan<int> Count => _count.AsSpan(0, Outputs);

    /// <summary>Gets the weights, <see cref="KernelSize"/> per output, zero past <see cref="Count"/>.</summary>
    public ReadOnlySpan<int> Weights => _weights.AsSpan(0, Outputs * KernelSize);

    /// <summary>Gets the first input per output when every output reads exactly <see cref="PaddedKernelSize"/> inputs.</summary>
    public ReadOnlySpan<int> PaddedStart => _paddedStart.AsSpan(0, Outputs);

    /// <summary>Gets the weights aligned with <see cref="PaddedStart"/>, <see cref="PaddedKernelSize"/> per output; the extra taps weigh zero, so sums are unchanged.</summary>
    public ReadOnlySpan<int> PaddedWeights => _paddedWeights.AsSpan(0, Outputs * PaddedKernelSize);

    /// <summary>Gets <see cref="PaddedWeights"/> with each weight repeated four times: one vector lane per R, G, B and the ignored fourth byte.</summary>
    public ReadOnlySpan<int> QuadWeights => _quadWeights.AsSpan(0, Outputs * PaddedKernelSize * 4);

    /// <summary>Computes the weights of output positions <paramref name="first"/> .. <paramref name="first"/> + <paramref name="count"/> - 1 of a resize from <paramref name="inSize"/> to <paramref name="outSize"/>.</summary>
    /// <param name="inSize">The input length along the axis.</param>
    /// <param name="outSize">The output length along the axis.</param>
    /// <param name="filter">The resampling filter.</param>
    /// <param name="first">The first output position described.</param>
    /// <param name="count">How many output positions are described.</param>
    /// <param name="withPaddedForm">Whether to also build the SIMD form (the horizontal pass uses it; the vertical one does not, and skipping it saves 5x the weights).</param>
    public static ResampleCoefficients Compute(int inSize, int outSize, ResampleFilter filter, int first, int count, bool withPaddedForm = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outSize);
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first + count, outSize, nameof(count));

        // Pillow passes the box as floats: (float)inSize - 0f is exact for any image that fits in memory.
        double scale = (double)(float)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);

        // Widening the support by the downscale factor is what makes Pillow's shrinking antialiased.
        double support = ResampleKernel.Support(filter) * filterScale;
        int kernelSize = ((int)Math.Ceiling(support) * 2) + 1;

        var c = new ResampleCoefficients(inSize, count, kernelSize, withPaddedForm);
        Span<double> k = kernelSize <= 256 ? stackalloc double[kernelSize] : new double[kernelSize];
        double ss = 1.0 / filterScale;
        for (int i = 0; i < count; i++)
        {
            int xx = first + i;
            double center = (xx + 0.5) * scale;
            int xmin = (int)(center - support + 0.5);
            if (xmin < 0)
            {
                xmin = 0;
            }

            int xmax = (int)(center + support + 0.5);
            if (xmax > inSize)
            {
                xmax = inSize;
            }

            xmax -= xmin;
            double ww = 0.0;
            for (int x = 0; x < xmax; x++)
            {
                double w = ResampleKernel.Evaluate(filter, (x + xmin - center + 0.5) * ss);
                k[x] = w;
                ww += w;
            }

            var row = c._weights.AsSpan(i * kernelSize, kernelSize);
            row.Clear();
            for (int x = 0; x < xmax; x++)
            {
                double v = ww != 0.0 ? k[x] / ww : k[x];
                row[x] = v < 0 ? (int)(-0.5 + (v * (1 << PrecisionBits))) : (int)(0.5 + (v * (1 << PrecisionBits)));
            }

            c._start[i] = xmin;
            c._count[i] = xmax;

            // The SIMD pass reads PaddedKernelSize inputs per output; sliding the window left at the right edge keeps
            // every read inside the source, and the weights move with it.
            if (c.HasPaddedForm)
            {
                int paddedSize = c.PaddedKernelSize;
                int padded = Math.Min(xmin, inSize - paddedSize);
                var prow = c._paddedWeights.AsSpan(i * paddedSize, paddedSize);
                prow.Clear();
                row[..xmax].CopyTo(prow[(xmin - padded)..]);
                c._paddedStart[i] = padded;
                var quad = c._quadWeights.AsSpan(i * paddedSize * 4, paddedSize * 4);
                for (int t = 0; t < paddedSize; t++)
                {
                    quad.Slice(t * 4, 4).Fill(prow[t]);
                }
            }
        }

        return c;
    }

    /// <summary>
    /// The bytes <see cref="Compute"/> would hold for <paramref name="count"/> outputs, computed in 64 bits without
    /// allocating, so a caller can refuse a resize whose weights alone would not fit (shrinking 10 million rows to 64
    /// needs 312,501 taps per output).
    /// </summary>
    public static long EstimateBytes(int inSize, int outSize, ResampleFilter filter, int count, bool withPaddedForm = true)
    {
        long kernelSize = KernelSizeOf(inSize, outSize, filter);
        long perOutput = 2 + kernelSize;
        if (withPaddedForm && inSize >= kernelSize + 1)
        {
            long padded = (kernelSize + 1) & ~1L;
            perOutput += 1 + padded + (padded * 4);
        }

        return perOutput * count * sizeof(int);
    }

    /// <summary>The taps the widest output reads (Pillow's <c>ksize</c>), in 64 bits.</summary>
    public static long KernelSizeOf(int inSize, int outSize, ResampleFilter filter)
    {
        double scale = (double)(float)inSize / outSize;
        double support = ResampleKernel.Support(filter) * Math.Max(scale, 1.0);
        return ((long)Math.Ceiling(support) * 2) + 1;
    }

    public void Dispose()
    {
        Return(ref _start);
        Return(ref _count);
        Return(ref _weights);
        Return(ref _paddedStart);
        Return(ref _paddedWeights);
        Return(ref _quadWeights);
    }

    private static void Return(ref int[] array)
    {
        if (array.Length > 0)
        {
            ImageBuffers.Return(array);
            array = [];
        }
    }
}

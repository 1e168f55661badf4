namespace Multimodal.Sdk;

/// <summary>
/// A complex FFT of any length, by recursive mixed-radix decimation in time over the length's prime factors
/// (400 = 2 x 2 x 2 x 2 x 5 x 5), so Whisper's n_fft of 400 is transformed as it is, never zero-padded to 512
/// (which would change the spectrum). Twiddles come from one table computed in double precision.
/// </summary>
/// <remarks>The plan is immutable and safe for concurrent use; callers pass their own buffers.</remarks>
internal sealed class MixedRadixFft
{
    private readonly int[] _factors;
    private readonly float[] _cos;
    private readonly float[] _sin;

    public MixedRadixFft(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        Length = length;
        var factors = new List<int>();
        int n = length;
        foreach (int p in new[] { 4, 2, 3, 5 })
        {
            while (n % p == 0)
            {
                factors.Add(p);
                n /= p;
            }
        }

        for (int p = 7; n > 1; p += 2)
        {
            while (n % p == 0)
            {
                factors.Add(p);
                n /= p;
            }
        }

        _factors = [.. factors];
        MaxRadix = _factors.Length == 0 ? 1 : _factors.Max();
        _cos = new float[length];
        _sin = new float[length];
        for (int k = 0; k < length; k++)
        {
            double angle = -2 * Math.PI * k / length;
            _cos[k] = (float)Math.Cos(angle);
            _sin[k] = (float)Math.Sin(angle);
        }
    }

    public int Length { get; }

    /// <summary>Gets the largest factor, the size of the butterfly scratch (the forward transform needs 2 x this).</summary>
    public int MaxRadix { get; }

    /// <summary>Transforms a real signal: <paramref name="input"/> of <see cref="Length"/> into the full complex spectrum.</summary>
    /// <param name="input">The real signal.</param>
    /// <param name="re">The real parts, <see cref="Length"/> values.</param>
    /// <param name="im">The imaginary parts, <see cref="Length"/> values.</param>
    /// <param name="scratch">At least 2 x <see cref="MaxRadix"/> floats.</param>
    public void Forward(ReadOnlySpan<float> input, Span<float> re, Span<float> im, Span<float> scratch) =>
        Forward(input, [], re, im, scratch);

    /// <summary>Transforms a complex signal (<paramref name="inputIm"/> empty for a real one) into its spectrum.</summary>
    /// <param name="inputRe">The real parts of the signal.</param>
    /// <param name="inputIm">The imaginary parts, or empty for zeros.</param>
    /// <param name="re">The real parts of the spectrum, <see cref="Length"/> values.</param>
    /// <param name="im">The imaginary parts of the spectrum, <see cref="Length"/> values.</param>
    /// <param name="scratch">At least 2 x <see cref="MaxRadix"/> floats.</param>
    public void Forward(ReadOnlySpan<float> inputRe, ReadOnlySpan<float> inputIm, Span<float> re, Span<float> im, Span<float> scratch)
    {
        if (inputRe.Length < Length || (!inputIm.IsEmpty && inputIm.Length < Length) || re.Length < Length || im.Length < Length || scratch.Length < 2 * MaxRadix)
        {
            throw new ArgumentException("Buffers are shorter than the FFT length.");
        }

        Transform(inputRe, inputIm, 0, 1, Length, 0, re, im, scratch);
    }

    private void Transform(ReadOnlySpan<float> x, ReadOnlySpan<float> xIm, int offset, int stride, int n, int level, Span<float> re, Span<float> im, Span<float> scratch)
    {
        if (n == 1)
        {
            re[0] = x[offset];
            im[0] = xIm.IsEmpty ? 0 : xIm[offset];
            return;
        }

        int p = _factors[level];
        int m = n / p;
        for (int j = 0; j < p; j++)
        {
            Transform(x, xIm, offset + (j * stride), stride * p, m, level + 1, re.Slice(j * m, m), im.Slice(j * m, m), scratch);
        }

        // X[q + s m] = sum_j W_n^(j (q + s m)) Y_j[q]; for a fixed q the inputs and outputs share the same p slots.
        int twStep = Length / n;
        var tr = scratch[..p];
        var ti = scratch.Slice(p, p);
        for (int q = 0; q < m; q++)
        {
            for (int j = 0; j < p; j++)
            {
                int t = j * q * twStep % Length;
                float c = _cos[t], s = _sin[t];
                float a = re[(j * m) + q], b = im[(j * m) + q];
                tr[j] = (a * c) - (b * s);
                ti[j] = (a * s) + (b * c);
            }

            if (p == 2)
            {
                re[q] = tr[0] + tr[1];
                im[q] = ti[0] + ti[1];
                re[q + m] = tr[0] - tr[1];
                im[q + m] = ti[0] - ti[1];
                continue;
            }

            if (p == 4)
            {
                // Radix-4 butterfly: W_4 = -i.
                float r0 = tr[0] + tr[2], i0 = ti[0] + ti[2];
                float r1 = tr[0] - tr[2], i1 = ti[0] - ti[2];
                float r2 = tr[1] + tr[3], i2 = ti[1] + ti[3];
                float r3 = tr[1] - tr[3], i3 = ti[1] - ti[3];
                re[q] = r0 + r2;
                im[q] = i0 + i2;
                re[q + m] = r1 + i3;
                im[q + m] = i1 - r3;
                re[q + (2 * m)] = r0 - r2;
                im[q + (2 * m)] = i0 - i2;
                re[q + (3 * m)] = r1 - i3;
                im[q + (3 * m)] = i1 + r3;
                continue;
            }

            int pStep = Length / p;
            for (int s = 0; s < p; s++)
            {
                float sr = 0, si = 0;
                for (int j = 0; j < p; j++)
                {
                    int t = j * s % p * pStep;
                    float c = _cos[t], sn = _sin[t];
                    sr += (tr[j] * c) - (ti[j] * sn);
                    si += (tr[j] * sn) + (ti[j] * c);
                }

                re[q + (s * m)] = sr;
                im[q + (s * m)] = si;
            }
        }
    }
}

using System.Globalization;
using System.Numerics.Tensors;

namespace Multimodal.Sdk;

/// <summary>
/// Band-limited rational resampler (polyphase, Kaiser-windowed sinc; see <see cref="PolyphaseFilterBank"/>) that runs
/// on a stream of blocks and gives exactly what one call on the whole signal would give.
/// </summary>
/// <remarks>
/// <para>
/// Timing: output sample n sits at input position n x M / L, so sample 0 of both signals coincide and nothing is
/// delayed; the signal is taken as zero before its first and after its last sample.
/// Length rule (the same as scipy.signal.resample_poly): an input of N samples gives ceil(N x L / M) samples.
/// </para>
/// <para>
/// Streaming: <see cref="Process"/> returns every output whose input window is complete and keeps the last 2K+1
/// inputs; <see cref="Flush"/> ends the signal. Memory is the filter bank plus one block, whatever the signal length.
/// </para>
/// Not safe for concurrent use; create one per stream (the filter bank costs microseconds to milliseconds to design).
/// </remarks>
internal sealed class PolyphaseResampler
{
    /// <summary>The largest ratio between the two rates, either way, that is accepted.</summary>
    public const int MaxRatio = 1024;

    private readonly PolyphaseFilterBank _bank;
    private readonly bool _vectorized;
    private readonly int _up;
    private readonly int _down;
    private readonly int _halfTaps;
    private float[] _buffer;
    private long _bufferStart;
    private int _count;
    private long _received;
    private long _produced;
    private long _position;
    private long _phase;
    private bool _finished;

    /// <summary>Creates a resampler from <paramref name="sourceRate"/> to <paramref name="targetRate"/>.</summary>
    /// <param name="sourceRate">Input rate in hertz.</param>
    /// <param name="targetRate">Output rate in hertz.</param>
    /// <param name="vectorized">Use <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>; <see langword="false"/> is the scalar baseline.</param>
    /// <exception cref="ArgumentOutOfRangeException">A rate is not positive, or one is more than <see cref="MaxRatio"/> times the other.</exception>
    public PolyphaseResampler(int sourceRate, int targetRate, bool vectorized = true)
    {
        CheckRates(sourceRate, targetRate);
        int g = Gcd(sourceRate, targetRate);
        SourceRate = sourceRate;
        TargetRate = targetRate;
        _up = targetRate / g;
        _down = sourceRate / g;
        _bank = PolyphaseFilterBank.Create(_up, _down);
        _halfTaps = _bank.HalfTaps;
        _vectorized = vectorized;
        _buffer = new float[Math.Max(4096, 4 * _bank.Taps)];
        _count = _halfTaps;
        _bufferStart = -_halfTaps;
    }

    /// <summary>Gets the input rate.</summary>
    public int SourceRate { get; }

    /// <summary>Gets the output rate.</summary>
    public int TargetRate { get; }

    /// <summary>Gets the filter design in use.</summary>
    public PolyphaseFilterBank FilterBank => _bank;

    /// <summary>Gets the most samples <see cref="Flush"/> can return.</summary>
    public int MaxFlushLength => (int)Math.Min(int.MaxValue, ScaledLength(_halfTaps, _down, _up) + 1);

    /// <summary>
    /// Checks that audio at <paramref name="sourceRate"/> (the input's own rate, from a file header or a caller) can be
    /// resampled to <paramref name="targetRate"/> (the model's): a rate of 1 Hz or 1 GHz is a property of the input, so
    /// it is an input error, not an argument error.
    /// </summary>
    /// <exception cref="InputDecodeException">The input rate is not positive, or it is more than <see cref="MaxRatio"/> times away from the target.</exception>
    public static void CheckInputRate(int sourceRate, int targetRate)
    {
        if (sourceRate <= 0 || (long)sourceRate > (long)targetRate * MaxRatio || (long)targetRate > (long)sourceRate * MaxRatio)
        {
            throw new InputDecodeException(string.Create(CultureInfo.InvariantCulture, $"Cannot decode audio: its sample rate of {sourceRate} Hz is more than {MaxRatio} times away from the model's {targetRate} Hz."));
        }
    }

    /// <summary>The output length for <paramref name="inputLength"/> samples: ceil(N x L / M).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A rate is not positive or the ratio is too large.</exception>
    public static long OutputLength(long inputLength, int sourceRate, int targetRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputLength);
        CheckRates(sourceRate, targetRate);
        int g = Gcd(sourceRate, targetRate);
        return ScaledLength(inputLength, sourceRate / g, targetRate / g);
    }

    /// <summary>Resamples a whole signal in one call.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A rate is not positive or the ratio is too large.</exception>
    public static float[] Resample(ReadOnlySpan<float> input, int sourceRate, int targetRate, bool vectorized = true)
    {
        if (sourceRate == targetRate && sourceRate > 0)
        {
            return input.ToArray();
        }

        var resampler = new PolyphaseResampler(sourceRate, targetRate, vectorized);
        var output = new float[checked((int)OutputLength(input.Length, sourceRate, targetRate))];
        int written = resampler.Process(input, output);
        written += resampler.Flush(output.AsSpan(written));
        return written == output.Length ? output : throw new InvalidOperationException("Resampler length rule violated.");
    }

    /// <summary>Gets the most samples <see cref="Process"/> can return for an input block of <paramref name="inputLength"/> samples.</summary>
    public int MaxOutputLength(int inputLength) => (int)Math.Min(int.MaxValue, ScaledLength(inputLength, _down, _up) + 1);

    /// <summary>Feeds the next block and writes every output sample that is now complete.</summary>
    /// <param name="input">The next input samples (any length, including 0).</param>
    /// <param name="output">Room for at least <see cref="MaxOutputLength"/> of the block's length.</param>
    /// <returns>The samples written to <paramref name="output"/>.</returns>
    /// <exception cref="InvalidOperationException"><see cref="Flush"/> was already called.</exception>
    /// <exception cref="ArgumentException"><paramref name="output"/> is too small.</exception>
    public int Process(ReadOnlySpan<float> input, Span<float> output)
    {
        ThrowIfFinished();
        Append(input);
        return Produce(output, long.MaxValue);
    }

    /// <summary>Ends the signal: writes the outputs that needed samples beyond the last input (taken as zero).</summary>
    /// <param name="output">Room for at least <see cref="MaxFlushLength"/> samples.</param>
    /// <returns>The samples written.</returns>
    /// <exception cref="InvalidOperationException"><see cref="Flush"/> was already called.</exception>
    /// <exception cref="ArgumentException"><paramref name="output"/> is too small.</exception>
    public int Flush(Span<float> output)
    {
        ThrowIfFinished();
        long total = ScaledLength(_received, _down, _up);
        long received = _received;
        Span<float> zeros = stackalloc float[256];
        zeros.Clear();
        for (int left = _halfTaps; left > 0; left -= zeros.Length)
        {
            Append(zeros[..Math.Min(left, zeros.Length)]);
        }

        _received = received;
        _finished = true;
        return Produce(output, total);
    }

    private void ThrowIfFinished()
    {
        if (_finished)
        {
            throw new InvalidOperationException("The resampler was flushed; create a new one for another signal.");
        }
    }

    private static long ScaledLength(long inputLength, int down, int up) =>
        (long)(((Int128)inputLength * up + down - 1) / down);

    private static void CheckRates(int sourceRate, int targetRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetRate);
        if ((long)sourceRate > (long)targetRate * MaxRatio || (long)targetRate > (long)sourceRate * MaxRatio)
        {
            throw new ArgumentOutOfRangeException(nameof(targetRate), string.Create(CultureInfo.InvariantCulture, $"Resampling {sourceRate} Hz to {targetRate} Hz exceeds the supported ratio of {MaxRatio}."));
        }
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }

    private void Append(ReadOnlySpan<float> input)
    {
        // Keep only the window of the next output (from i-K on); everything older is never read again.
        int drop = (int)Math.Min(_count, _position - _halfTaps - _bufferStart);
        if (drop > 0)
        {
            Array.Copy(_buffer, drop, _buffer, 0, _count - drop);
            _bufferStart += drop;
            _count -= drop;
        }

        int need = _count + input.Length;
        if (need > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(need, _buffer.Length * 2));
        }

        input.CopyTo(_buffer.AsSpan(_count));
        _count = need;
        _received += input.Length;
    }

    private int Produce(Span<float> output, long limit)
    {
        int taps = _bank.Taps;
        long end = _bufferStart + _count;
        int written = 0;
        while (_produced < limit && _position + _halfTaps < end)
        {
            if (written == output.Length)
            {
                throw new ArgumentException("The output span is too small for the samples this block completes.", nameof(output));
            }

            ReadOnlySpan<float> window = _buffer.AsSpan((int)(_position - _halfTaps - _bufferStart), taps);
            output[written++] = _bank.Interpolated ? Interpolated(window) : Dot(_bank.Row((int)_phase), window);

            _produced++;
            _phase += _down;
            if (_phase >= _up)
            {
                _position += _phase / _up;
                _phase %= _up;
            }
        }

        return written;
    }

    private float Interpolated(ReadOnlySpan<float> window)
    {
        double at = (double)_phase * _bank.Phases / _up;
        int row = (int)at;
        double frac = at - row;
        double a = Dot(_bank.Row(row), window);
        double b = frac == 0 ? 0 : Dot(_bank.Row(row + 1), window);
        return (float)(a + (frac * (b - a)));
    }

    private float Dot(ReadOnlySpan<float> taps, ReadOnlySpan<float> window)
    {
        if (_vectorized)
        {
            return TensorPrimitives.Dot(taps, window);
        }

        float sum = 0;
        for (int j = 0; j < taps.Length; j++)
        {
            sum += taps[j] * window[j];
        }

        return sum;
    }
}

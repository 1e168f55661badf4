using System.Buffers;
using System.Numerics.Tensors;

namespace Multimodal.Sdk;

/// <summary>
/// Whisper's log-mel spectrogram, exactly as the reference (openai/whisper <c>audio.py</c>, Hugging Face
/// <c>WhisperFeatureExtractor</c>): the audio is zero-padded or cut to <c>n_samples</c>, reflect-padded by
/// <c>n_fft / 2</c> each side, framed with a periodic Hann window of <c>n_fft</c> every <c>hop_length</c> samples,
/// |FFT|^2, the last frame dropped, projected on Slaney mel filters, then log10(max(x, 1e-10)), clamped to
/// (max - 8) and mapped by (x + 4) / 4. Every size comes from <see cref="AudioFeatureConfig"/>.
/// </summary>
/// <remarks>
/// Safe for concurrent use: the plan is immutable and each call rents its own buffers. The mel projection and the
/// log stage use <see cref="TensorPrimitives"/>; <c>vectorized: false</c> runs the scalar baseline the tests and
/// benchmarks compare against.
/// </remarks>
internal sealed class WhisperFeatureExtractor
{
    private readonly MixedRadixFft _fft;
    private readonly float[] _window;
    private readonly bool _vectorized;

    public WhisperFeatureExtractor(AudioFeatureConfig config, bool vectorized = true)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.NFft / 2 >= config.NSamples)
        {
            throw new ArgumentException($"n_fft ({config.NFft}) must be less than twice n_samples ({config.NSamples}) for reflect padding.", nameof(config));
        }

        Config = config;
        _vectorized = vectorized;
        _fft = new MixedRadixFft(config.NFft);
        Filters = new MelFilterBank(config.SamplingRate, config.NFft, config.FeatureSize);
        _window = new float[config.NFft];
        for (int i = 0; i < _window.Length; i++)
        {
            _window[i] = (float)(0.5 - (0.5 * Math.Cos(2 * Math.PI * i / config.NFft)));
        }
    }

    public AudioFeatureConfig Config { get; }

    public MelFilterBank Filters { get; }

    /// <summary>Gets the number of frames of one window (<c>n_samples / hop_length</c>).</summary>
    public int FrameCount => Config.NSamples / Config.HopLength;

    /// <summary>Gets the number of floats <c>Compute</c> writes: mels x frames.</summary>
    public int OutputLength => Config.FeatureSize * FrameCount;

    /// <summary>Computes the log-mel of one window into <paramref name="destination"/>, row-major [mels, frames].</summary>
    /// <param name="audio">Samples at the model rate; longer audio is cut to <c>n_samples</c>, shorter is zero-padded.</param>
    /// <param name="destination">At least <see cref="OutputLength"/> floats.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public void Compute(ReadOnlySpan<float> audio, Span<float> destination)
    {
        if (destination.Length < OutputLength)
        {
            throw new ArgumentException($"The destination needs {OutputLength} floats; it has {destination.Length}.", nameof(destination));
        }

        int nFft = Config.NFft, hop = Config.HopLength, nSamples = Config.NSamples, pad = nFft / 2;
        int frames = FrameCount, bins = Filters.BinCount, mels = Filters.MelCount;
        int padded = nSamples + (2 * pad);
        var signalBuf = ArrayPool<float>.Shared.Rent(padded);
        var powerBuf = ArrayPool<float>.Shared.Rent(frames * bins);
        var frameBuf = ArrayPool<float>.Shared.Rent(4 * nFft);
        var scratchBuf = ArrayPool<float>.Shared.Rent(2 * _fft.MaxRadix);
        try
        {
            var signal = signalBuf.AsSpan(0, padded);
            var body = signal.Slice(pad, nSamples);
            int take = Math.Min(audio.Length, nSamples);
            audio[..take].CopyTo(body);
            body[take..].Clear();
            for (int i = 0; i < pad; i++)
            {
                signal[pad - 1 - i] = body[i + 1];
                signal[pad + nSamples + i] = body[nSamples - 2 - i];
            }

            // Two real frames per complex FFT (one as the real part, one as the imaginary part), separated after by
            // the spectrum's conjugate symmetry: half the FFT work of transforming each frame alone.
            var frameA = frameBuf.AsSpan(0, nFft);
            var frameB = frameBuf.AsSpan(nFft, nFft);
            var re = frameBuf.AsSpan(2 * nFft, nFft);
            var im = frameBuf.AsSpan(3 * nFft, nFft);
            var power = powerBuf.AsSpan(0, frames * bins);
            for (int t = 0; t < frames; t += 2)
            {
                Multiply(signal.Slice(t * hop, nFft), _window, frameA);
                bool pair = t + 1 < frames;
                if (pair)
                {
                    Multiply(signal.Slice((t + 1) * hop, nFft), _window, frameB);
                }
                else
                {
                    frameB.Clear();
                }

                _fft.Forward(frameA, frameB, re, im, scratchBuf);
                var rowA = power.Slice(t * bins, bins);
                var rowB = pair ? power.Slice((t + 1) * bins, bins) : default;
                for (int k = 0; k < bins; k++)
                {
                    int m = k == 0 ? 0 : nFft - k;
                    float ar = re[k] + re[m], ai = im[k] - im[m];
                    rowA[k] = ((ar * ar) + (ai * ai)) * 0.25f;
                    if (pair)
                    {
                        float br = im[k] + im[m], bi = re[m] - re[k];
                        rowB[k] = ((br * br) + (bi * bi)) * 0.25f;
                    }
                }
            }

            var output = destination[..OutputLength];
            var weights = Filters.Weights.AsSpan();
            for (int m = 0; m < mels; m++)
            {
                var (start, length) = Filters.Support(m);
                var filter = weights.Slice((m * bins) + start, length);
                var outRow = output.Slice(m * frames, frames);
                for (int t = 0; t < frames; t++)
                {
                    outRow[t] = Dot(filter, power.Slice((t * bins) + start, length));
                }
            }

            LogCompress(output);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratchBuf);
            ArrayPool<float>.Shared.Return(frameBuf);
            ArrayPool<float>.Shared.Return(powerBuf);
            ArrayPool<float>.Shared.Return(signalBuf);
        }
    }

    /// <summary>Computes the log-mel of one window into a new array [mels, frames].</summary>
    public float[] Compute(ReadOnlySpan<float> audio)
    {
        var result = new float[OutputLength];
        Compute(audio, result);
        return result;
    }

    private void Multiply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
    {
        if (_vectorized)
        {
            TensorPrimitives.Multiply(x, y, destination);
            return;
        }

        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = x[i] * y[i];
        }
    }

    private float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        if (_vectorized)
        {
            return TensorPrimitives.Dot(x, y);
        }

        float sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += x[i] * y[i];
        }

        return sum;
    }

    private void LogCompress(Span<float> x)
    {
        if (_vectorized)
        {
            TensorPrimitives.Max(x, 1e-10f, x);
            TensorPrimitives.Log10(x, x);
            float floor = TensorPrimitives.Max(x) - 8f;
            TensorPrimitives.Max(x, floor, x);
            TensorPrimitives.Add(x, 4f, x);
            TensorPrimitives.Divide(x, 4f, x);
            return;
        }

        float max = float.NegativeInfinity;
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = MathF.Log10(Math.Max(x[i], 1e-10f));
            max = Math.Max(max, x[i]);
        }

        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (Math.Max(x[i], max - 8f) + 4f) / 4f;
        }
    }
}

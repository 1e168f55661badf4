using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Multimodal.Sdk;

/// <summary>
/// Turns interleaved little-endian WAV frames into mono float samples in [-1, 1], averaging the channels.
/// Integers are scaled by 2^(bits-1) (8-bit is unsigned around 128), so full scale maps to -1 exactly, as
/// soundfile, torchaudio and scipy do. Float samples pass through unclipped.
/// </summary>
/// <remarks>Stateless; safe for concurrent use.</remarks>
internal static class PcmDecoder
{
    /// <summary>Decodes whole frames.</summary>
    /// <param name="source">Exactly <c>frames x channels x bytes-per-sample</c> bytes.</param>
    /// <param name="format">Sample storage.</param>
    /// <param name="channels">Interleaved channels per frame.</param>
    /// <param name="destination">One mono sample per frame.</param>
    /// <param name="vectorized">Use the SIMD paths (mono 16-bit and float); <see langword="false"/> is the scalar baseline.</param>
    public static void ToMono(ReadOnlySpan<byte> source, WavSampleFormat format, int channels, Span<float> destination, bool vectorized = true)
    {
        int bytes = WavFormat.BytesOf(format);
        int frames = source.Length / (bytes * channels);
        if (frames * bytes * channels != source.Length || destination.Length < frames)
        {
            throw new ArgumentException("Source must hold whole frames and destination one sample per frame.", nameof(source));
        }

        destination = destination[..frames];
        if (vectorized && channels == 1 && BitConverter.IsLittleEndian)
        {
            switch (format)
            {
                case WavSampleFormat.Int16:
                    TensorPrimitives.ConvertChecked<short, float>(MemoryMarshal.Cast<byte, short>(source), destination);
                    TensorPrimitives.Multiply(destination, 1f / 32768f, destination);
                    return;
                case WavSampleFormat.Float32:
                    MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
                    return;
            }
        }

        Scalar(source, format, channels, destination);
    }

    /// <summary>
    /// Rejects float samples that are NaN or infinite. They are rejected rather than sanitized: a float WAV holding
    /// them is corrupt (no recorder writes them), and zeroing them would transcribe silence the user never recorded.
    /// </summary>
    /// <exception cref="InputDecodeException">A sample is NaN or infinite.</exception>
    public static void RequireFinite(ReadOnlySpan<float> samples)
    {
        // One vectorized sum finds the common case; only a non-finite sum (or an overflow of huge values) needs a scan.
        if (float.IsFinite(TensorPrimitives.Sum(samples)))
        {
            return;
        }

        for (int i = 0; i < samples.Length; i++)
        {
            if (!float.IsFinite(samples[i]))
            {
                throw WavHeaderParser.Error($"a float sample is {samples[i]} (NaN and infinite samples are rejected, not replaced)");
            }
        }
    }

    private static void Scalar(ReadOnlySpan<byte> s, WavSampleFormat format, int channels, Span<float> d)
    {
        int bytes = WavFormat.BytesOf(format);
        int stride = bytes * channels;
        double scale = format switch
        {
            WavSampleFormat.UInt8 => 1.0 / 128,
            WavSampleFormat.Int16 => 1.0 / 32768,
            WavSampleFormat.Int24 => 1.0 / 8388608,
            WavSampleFormat.Int32 => 1.0 / 2147483648.0,
            _ => 1.0,
        } / channels;

        // Sum channels in double: exact for every integer format, so the average does not depend on channel order.
        for (int f = 0; f < d.Length; f++)
        {
            ReadOnlySpan<byte> frame = s.Slice(f * stride, stride);
            double sum = 0;
            for (int c = 0, o = 0; c < channels; c++, o += bytes)
            {
                sum += format switch
                {
                    WavSampleFormat.UInt8 => frame[o] - 128,
                    WavSampleFormat.Int16 => BinaryPrimitives.ReadInt16LittleEndian(frame[o..]),
                    WavSampleFormat.Int24 => (frame[o] | (frame[o + 1] << 8) | ((sbyte)frame[o + 2] << 16)),
                    WavSampleFormat.Int32 => BinaryPrimitives.ReadInt32LittleEndian(frame[o..]),
                    WavSampleFormat.Float32 => BinaryPrimitives.ReadSingleLittleEndian(frame[o..]),
                    _ => BinaryPrimitives.ReadDoubleLittleEndian(frame[o..]),
                };
            }

            d[f] = (float)(sum * scale);
        }
    }
}

using System.Buffers.Binary;

namespace Multimodal.Sdk;

/// <summary>
/// Reads RIFF/WAVE (PCM 8/16/24/32-bit, IEEE float 32/64) into mono samples for audio items given as files or
/// streams. The speech package owns full decoding (ffmpeg for other containers); a caller with such audio decodes it
/// and adds it as <see cref="AudioData"/>.
/// </summary>
internal static class WavReader
{
    public static AudioData Decode(ReadOnlySpan<byte> wav, string source)
    {
        if (wav.Length < 12 || !wav[..4].SequenceEqual("RIFF"u8) || !wav.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            throw new InputDecodeException($"Audio '{source}' is not a WAV file: decode it to AudioData (for example with the speech package) and add it with RetrievalItem.FromAudio.");
        }

        int format = 0, channels = 0, rate = 0, bits = 0;
        int pos = 12;
        while (pos + 8 <= wav.Length)
        {
            var id = wav.Slice(pos, 4);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(wav.Slice(pos + 4, 4));
            int body = pos + 8;
            if (id.SequenceEqual("fmt "u8) && size >= 16 && body + 16 <= wav.Length)
            {
                format = BinaryPrimitives.ReadUInt16LittleEndian(wav.Slice(body, 2));
                channels = BinaryPrimitives.ReadUInt16LittleEndian(wav.Slice(body + 2, 2));
                rate = BinaryPrimitives.ReadInt32LittleEndian(wav.Slice(body + 4, 4));
                bits = BinaryPrimitives.ReadUInt16LittleEndian(wav.Slice(body + 14, 2));
                if (format == 0xFFFE && size >= 40 && body + 26 <= wav.Length)
                {
                    format = BinaryPrimitives.ReadUInt16LittleEndian(wav.Slice(body + 24, 2));
                }
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (channels <= 0 || rate <= 0 || !(format == 1 && bits is 8 or 16 or 24 or 32 || format == 3 && bits is 32 or 64))
                {
                    throw new InputDecodeException($"Audio '{source}': unsupported or missing WAV format (format {format}, {bits} bits, {channels} channels, {rate} Hz).");
                }

                var data = wav.Slice(body, (int)Math.Min(size, wav.Length - body));
                return new AudioData(ToMono(data, format, bits, channels), rate);
            }

            pos = body + (int)Math.Min(size + (size & 1), int.MaxValue - body);
        }

        throw new InputDecodeException($"Audio '{source}' has no WAV data chunk.");
    }

    private static float[] ToMono(ReadOnlySpan<byte> data, int format, int bits, int channels)
    {
        int bytes = bits / 8;
        int frames = data.Length / (bytes * channels);
        var mono = new float[frames];
        for (int f = 0; f < frames; f++)
        {
            float sum = 0;
            for (int c = 0; c < channels; c++)
            {
                var s = data.Slice(((f * channels) + c) * bytes, bytes);
                sum += (format, bits) switch
                {
                    (3, 32) => BinaryPrimitives.ReadSingleLittleEndian(s),
                    (3, _) => (float)BinaryPrimitives.ReadDoubleLittleEndian(s),
                    (_, 8) => (s[0] - 128) / 128f,
                    (_, 16) => BinaryPrimitives.ReadInt16LittleEndian(s) / 32768f,
                    (_, 24) => ((s[0] << 8 | s[1] << 16 | s[2] << 24) >> 8) / 8388608f,
                    _ => BinaryPrimitives.ReadInt32LittleEndian(s) / 2147483648f,
                };
            }

            mono[f] = sum / channels;
        }

        return mono;
    }
}

using System.Buffers.Binary;
using System.Globalization;

namespace Multimodal.Sdk;

/// <summary>
/// Reads a RIFF/WAVE (or RF64) header up to the start of the audio data, validating every field the decoder relies
/// on so that a lying or truncated header becomes an <see cref="InputDecodeException"/> that says what is wrong.
/// </summary>
/// <remarks>
/// Placeholder sizes: a writer streaming to a pipe cannot go back to patch sizes, so it leaves a data size of
/// 0xFFFFFFFF (ffmpeg), 0x7FFFF000 (sox), or 0 together with a RIFF size of 0 or 0xFFFFFFFF. Those mean "audio runs
/// to the end of the stream" (a trailing partial frame is dropped). Any other data size is trusted: a seekable
/// stream shorter than it is rejected here, a non-seekable one when reading reaches the early end.
/// The RIFF size and the fmt byte rate are not checked: writers get them wrong often and nothing depends on them.
/// Stateless; safe for concurrent use.
/// </remarks>
internal static class WavHeaderParser
{
    private const uint Unknown32 = 0xFFFFFFFF;
    private const uint SoxPipeDataSize = 0x7FFFF000;
    private const int MaxFmtBytesRead = 256;

    // KSDATAFORMAT_SUBTYPE_* GUIDs share these last 12 bytes; the first two carry the classic format code.
    private static readonly byte[] SubFormatTail = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    /// <summary>Reads the header and leaves <paramref name="stream"/> at the first byte of audio.</summary>
    /// <exception cref="InputDecodeException">The stream is not a WAV file this decoder supports, or its header is inconsistent or truncated.</exception>
    public static WavFormat Parse(Stream stream)
    {
        Span<byte> head = stackalloc byte[12];
        if (ReadFully(stream, head) < 12)
        {
            throw Error("the input is too short to be a WAV file (fewer than 12 bytes)");
        }

        bool rf64 = head[..4].SequenceEqual("RF64"u8);
        if (head[..4].SequenceEqual("RIFX"u8))
        {
            throw Error("big-endian RIFX files are not supported");
        }

        if ((!rf64 && !head[..4].SequenceEqual("RIFF"u8)) || !head[8..12].SequenceEqual("WAVE"u8))
        {
            throw Error("the input does not start with a RIFF/WAVE header");
        }

        uint riffSize = BinaryPrimitives.ReadUInt32LittleEndian(head[4..8]);
        long? ds64DataSize = null;
        (WavSampleFormat Format, int Channels, int Rate, int BlockAlign)? fmt = null;
        Span<byte> chunk = stackalloc byte[8];
        while (true)
        {
            if (ReadFully(stream, chunk) < 8)
            {
                throw Error(fmt is null ? "the file has no 'fmt ' chunk and no 'data' chunk" : "the file has no 'data' chunk");
            }

            string id = ChunkName(chunk[..4]);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..8]);
            switch (id)
            {
                case "fmt ":
                    if (fmt is not null)
                    {
                        throw Error("the file has two 'fmt ' chunks");
                    }

                    fmt = ParseFmt(stream, size);
                    break;
                case "ds64" when rf64:
                    ds64DataSize = ParseDs64(stream, size);
                    break;
                case "data":
                    if (fmt is not { } f)
                    {
                        throw Error("the 'data' chunk comes before any 'fmt ' chunk");
                    }

                    long? length = DataLength(stream, size, riffSize, rf64 ? ds64DataSize : null);
                    return new WavFormat(f.Format, f.Channels, f.Rate, f.BlockAlign, length);
                default:
                    Skip(stream, size + (size & 1), id);
                    break;
            }
        }
    }

    private static long? DataLength(Stream stream, uint size, uint riffSize, long? ds64DataSize)
    {
        if (size == Unknown32 && ds64DataSize is { } big)
        {
            return CheckFits(stream, big);
        }

        bool placeholder = size == Unknown32 || size == SoxPipeDataSize || (size == 0 && riffSize is 0 or Unknown32);
        return placeholder ? null : CheckFits(stream, size);
    }

    private static long CheckFits(Stream stream, long size)
    {
        if (stream.CanSeek)
        {
            long remaining = stream.Length - stream.Position;
            if (size > remaining)
            {
                throw Error(string.Create(CultureInfo.InvariantCulture, $"the 'data' chunk declares {size} bytes but only {remaining} bytes follow: the file is truncated or its header lies"));
            }
        }

        return size;
    }

    private static (WavSampleFormat, int, int, int) ParseFmt(Stream stream, uint size)
    {
        if (size < 16)
        {
            throw Error(string.Create(CultureInfo.InvariantCulture, $"the 'fmt ' chunk is {size} bytes; at least 16 are needed"));
        }

        int toRead = (int)Math.Min(size, MaxFmtBytesRead);
        Span<byte> f = stackalloc byte[MaxFmtBytesRead];
        f = f[..toRead];
        if (ReadFully(stream, f) < toRead)
        {
            throw Error("the file ends inside its 'fmt ' chunk");
        }

        Skip(stream, size - toRead + (size & 1), "fmt ");

        int tag = BinaryPrimitives.ReadUInt16LittleEndian(f);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(f[2..]);
        uint rate = BinaryPrimitives.ReadUInt32LittleEndian(f[4..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(f[12..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(f[14..]);

        if (tag == 0xFFFE)
        {
            // WAVE_FORMAT_EXTENSIBLE: the real format code is the head of the sub-format GUID at offset 24.
            if (toRead < 40 || BinaryPrimitives.ReadUInt16LittleEndian(f[16..]) < 22)
            {
                throw Error("WAVE_FORMAT_EXTENSIBLE header is shorter than 40 bytes");
            }

            if (!f[26..40].SequenceEqual(SubFormatTail))
            {
                throw Error("WAVE_FORMAT_EXTENSIBLE sub-format is not a standard KSDATAFORMAT_SUBTYPE GUID");
            }

            tag = BinaryPrimitives.ReadUInt16LittleEndian(f[24..]);
        }

        if (channels == 0)
        {
            throw Error("the header says 0 channels");
        }

        if (rate == 0 || rate > int.MaxValue)
        {
            throw Error(string.Create(CultureInfo.InvariantCulture, $"the header's sample rate {rate} Hz is not valid"));
        }

        WavSampleFormat format = (tag, bits) switch
        {
            (1, > 0 and <= 8) => WavSampleFormat.UInt8,
            (1, > 8 and <= 16) => WavSampleFormat.Int16,
            (1, > 16 and <= 24) => WavSampleFormat.Int24,
            (1, > 24 and <= 32) => WavSampleFormat.Int32,
            (3, 32) => WavSampleFormat.Float32,
            (3, 64) => WavSampleFormat.Float64,
            (1 or 3, _) => throw Error(string.Create(CultureInfo.InvariantCulture, $"{(tag == 1 ? "integer PCM" : "IEEE float")} with {bits} bits per sample is not supported")),
            _ => throw Error(string.Create(CultureInfo.InvariantCulture, $"WAV format code 0x{tag:X4}{CodecName(tag)} is not supported; supported are integer PCM (8/16/24/32-bit) and IEEE float (32/64-bit). Convert the file, e.g. with ffmpeg -c:a pcm_s16le")),
        };

        int expectedAlign = channels * WavFormat.BytesOf(format);
        if (blockAlign != expectedAlign)
        {
            throw Error(string.Create(CultureInfo.InvariantCulture, $"block align is {blockAlign} bytes but {channels} channel(s) of {bits}-bit samples need {expectedAlign}"));
        }

        return (format, channels, (int)rate, blockAlign);
    }

    private static long ParseDs64(Stream stream, uint size)
    {
        if (size < 24)
        {
            throw Error("the RF64 'ds64' chunk is shorter than 24 bytes");
        }

        Span<byte> d = stackalloc byte[24];
        if (ReadFully(stream, d) < 24)
        {
            throw Error("the file ends inside its 'ds64' chunk");
        }

        Skip(stream, size - 24 + (size & 1), "ds64");
        long dataSize = BinaryPrimitives.ReadInt64LittleEndian(d[8..]);
        if (dataSize < 0)
        {
            throw Error("the RF64 'ds64' chunk declares a negative data size");
        }

        return dataSize;
    }

    private static string CodecName(int tag) => tag switch
    {
        0x0002 => " (MS ADPCM)",
        0x0006 => " (A-law)",
        0x0007 => " (mu-law)",
        0x0011 => " (IMA ADPCM)",
        0x0055 => " (MP3)",
        _ => string.Empty,
    };

    private static void Skip(Stream stream, long count, string chunk)
    {
        if (count == 0)
        {
            return;
        }

        if (stream.CanSeek)
        {
            if (count > stream.Length - stream.Position)
            {
                throw Error(string.Create(CultureInfo.InvariantCulture, $"chunk '{chunk}' runs past the end of the file"));
            }

            stream.Seek(count, SeekOrigin.Current);
            return;
        }

        Span<byte> scratch = stackalloc byte[4096];
        while (count > 0)
        {
            int n = stream.Read(scratch[..(int)Math.Min(count, scratch.Length)]);
            if (n == 0)
            {
                throw Error(string.Create(CultureInfo.InvariantCulture, $"chunk '{chunk}' runs past the end of the file"));
            }

            count -= n;
        }
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns the bytes read.</summary>
    internal static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    private static string ChunkName(ReadOnlySpan<byte> id)
    {
        Span<char> c = stackalloc char[4];
        for (int i = 0; i < 4; i++)
        {
            c[i] = id[i] is >= 0x20 and < 0x7F ? (char)id[i] : '?';
        }

        return new string(c);
    }

    internal static InputDecodeException Error(string what) => new($"Cannot decode WAV audio: {what}.");
}

using System.Buffers.Binary;
using System.IO.Compression;
using Microsoft.Extensions.AI;

namespace Multimodal.Sdk;

/// <summary>
/// Turns the SDK's in-memory media into what travels over HTTP: an image as encoded bytes with its media type (raw RGB
/// pixels become a PNG), audio as 16-bit PCM WAV. Self-contained, so this package needs no image or audio library.
/// </summary>
internal static class EncodedMedia
{
    public static DataContent Image(ImageData image)
    {
        ArgumentNullException.ThrowIfNull(image);
        ReadOnlyMemory<byte> bytes = !image.EncodedBytes.IsEmpty ? image.EncodedBytes
            : !image.RgbPixels.IsEmpty ? Png(image.RgbPixels.Span, image.Width, image.Height)
            : File.ReadAllBytes(image.FilePath!);
        return new DataContent(bytes, MediaType(bytes.Span));
    }

    public static string ImageDataUri(ImageData image) => Image(image).Uri;

    /// <summary>The media type from the first bytes (PNG, JPEG, GIF, WebP, BMP); PNG when unknown, so a remote decoder still says what is wrong.</summary>
    public static string MediaType(ReadOnlySpan<byte> b) =>
        b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? "image/jpeg"
        : b.StartsWith("GIF8"u8) ? "image/gif"
        : b.Length >= 12 && b.StartsWith("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8) ? "image/webp"
        : b.StartsWith("BM"u8) ? "image/bmp"
        : "image/png";

    public static byte[] Wav(AudioData audio)
    {
        ArgumentNullException.ThrowIfNull(audio);
        var samples = audio.Samples.Span;
        var wav = new byte[44 + (samples.Length * 2)];
        var s = wav.AsSpan();
        "RIFF"u8.CopyTo(s);
        BinaryPrimitives.WriteInt32LittleEndian(s[4..], 36 + (samples.Length * 2));
        "WAVEfmt "u8.CopyTo(s[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(s[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(s[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(s[22..], 1);
        BinaryPrimitives.WriteInt32LittleEndian(s[24..], audio.SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(s[28..], audio.SampleRate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(s[32..], 2);
        BinaryPrimitives.WriteInt16LittleEndian(s[34..], 16);
        "data"u8.CopyTo(s[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(s[40..], samples.Length * 2);
        for (int i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(s[(44 + (i * 2))..], (short)Math.Round(Math.Clamp(samples[i], -1f, 1f) * short.MaxValue));
        }

        return wav;
    }

    private static byte[] Png(ReadOnlySpan<byte> rgb, int width, int height)
    {
        using var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.Fastest, leaveOpen: true))
        {
            for (int y = 0; y < height; y++)
            {
                z.WriteByte(0);
                z.Write(rgb.Slice(y * width * 3, width * 3));
            }
        }

        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        header[9] = 2;
        Chunk(png, "IHDR"u8, header);
        Chunk(png, "IDAT"u8, raw.ToArray());
        Chunk(png, "IEND"u8, []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        png.Write(type);
        png.Write(data);
        uint crc = Crc32(Crc32(0xFFFFFFFFu, type), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        png.Write(word);
    }

    // PNG's CRC-32 (ISO 3309, reflected polynomial 0xEDB88320), bit by bit: chunks are few and encoding is rare.
    private static uint Crc32(uint crc, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return crc;
    }
}

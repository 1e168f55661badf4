using System.Buffers.Binary;

namespace Multimodal.Sdk;

/// <summary>
/// Finds files that end before their image does. ImageSharp decodes a truncated file without complaint (the
/// missing part comes out grey or black), while Pillow raises "image file is truncated"; a model fed half a
/// picture gives a confident wrong answer, so truncation is an error here too. Each check walks only the
/// container structure (segments, chunks, blocks), never the compressed data.
/// </summary>
internal static class ContainerIntegrity
{
    /// <summary>Returns why the file is truncated, or <see langword="null"/> when its structure is complete.</summary>
    /// <param name="data">The whole file.</param>
    /// <param name="formatName">ImageSharp's format name (<c>JPEG</c>, <c>PNG</c>, <c>GIF</c>, <c>BMP</c>, <c>Webp</c>).</param>
    public static string? FindTruncation(ReadOnlySpan<byte> data, string formatName) => formatName.ToUpperInvariant() switch
    {
        "JPEG" => Jpeg(data),
        "PNG" => Png(data),
        "GIF" => Gif(data),
        "BMP" => Bmp(data),
        "WEBP" => Webp(data),
        _ => null,
    };

    private static string? Jpeg(ReadOnlySpan<byte> data)
    {
        // Walk the marker segments to the first start-of-scan; entropy-coded data escapes 0xFF as 0xFF00, so an
        // end-of-image marker after that point can only be the real one (an EXIF thumbnail's comes before it).
        int p = 2;
        while (true)
        {
            while (p < data.Length && data[p] == 0xFF)
            {
                p++;
            }

            if (p + 2 >= data.Length)
            {
                return "the JPEG ends before its image data";
            }

            byte marker = data[p++];
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[p..]);
            if (marker == 0xDA)
            {
                p += length;
                break;
            }

            if (marker == 0xD9)
            {
                return "the JPEG ends before its image data";
            }

            p += length;
        }

        for (int i = Math.Max(p, 0); i + 1 < data.Length; i++)
        {
            if (data[i] == 0xFF && data[i + 1] == 0xD9)
            {
                return null;
            }
        }

        return "the JPEG has no end-of-image marker after its scan data";
    }

    private static string? Png(ReadOnlySpan<byte> data)
    {
        long p = 8;
        while (p + 12 <= data.Length)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(data[(int)p..]);
            var type = data.Slice((int)p + 4, 4);
            if (type.SequenceEqual("IEND"u8))
            {
                return null;
            }

            p += 12L + length;
        }

        return "the PNG ends before its IEND chunk";
    }

    private static string? Gif(ReadOnlySpan<byte> data)
    {
        // Only the first frame is decoded, so only the first image's data must be complete.
        if (data.Length < 13)
        {
            return "the GIF ends inside its header";
        }

        int p = 13;
        if ((data[10] & 0x80) != 0)
        {
            p += 3 << ((data[10] & 0x07) + 1);
        }

        while (p < data.Length)
        {
            switch (data[p])
            {
                case 0x21:
                    p = SkipSubBlocks(data, p + 2);
                    break;
                case 0x2C:
                    if (p + 10 > data.Length)
                    {
                        return "the GIF ends inside its first image descriptor";
                    }

                    int flags = data[p + 9];
                    p += 10;
                    if ((flags & 0x80) != 0)
                    {
                        p += 3 << ((flags & 0x07) + 1);
                    }

                    p = SkipSubBlocks(data, p + 1);
                    return p <= data.Length ? null : "the GIF ends inside its first frame";
                default:
                    return "the GIF has no image before its end";
            }
        }

        return "the GIF ends before its first frame";

        static int SkipSubBlocks(ReadOnlySpan<byte> data, int p)
        {
            while (p < data.Length && data[p] != 0)
            {
                p += data[p] + 1;
            }

            return p + 1;
        }
    }

    private static string? Bmp(ReadOnlySpan<byte> data)
    {
        if (data.Length < 34)
        {
            return "the BMP ends inside its header";
        }

        uint offset = BinaryPrimitives.ReadUInt32LittleEndian(data[10..]);
        uint headerSize = BinaryPrimitives.ReadUInt32LittleEndian(data[14..]);
        if (headerSize < 40)
        {
            return null;
        }

        long width = BinaryPrimitives.ReadInt32LittleEndian(data[18..]);
        long height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(data[22..]));
        int bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(data[28..]);
        uint compression = BinaryPrimitives.ReadUInt32LittleEndian(data[30..]);

        // Uncompressed rows are padded to 4 bytes, so the pixel array's size follows from the header.
        if (compression is 0 or 3 or 6)
        {
            long stride = ((bitsPerPixel * width) + 31) / 32 * 4;
            if (offset + (stride * height) > data.Length)
            {
                return "the BMP ends inside its pixel array";
            }
        }

        return null;
    }

    private static string? Webp(ReadOnlySpan<byte> data)
    {
        if (data.Length < 12)
        {
            return "the WebP ends inside its header";
        }

        long riffSize = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        return riffSize + 8 > data.Length ? "the WebP is shorter than its RIFF header says" : null;
    }
}

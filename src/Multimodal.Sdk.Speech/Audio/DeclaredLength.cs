using System.Buffers.Binary;

namespace Multimodal.Sdk;

/// <summary>
/// The length a compressed file's header declares, so that a truncated MP3 or FLAC is an error as a truncated WAV is
/// (ffmpeg decodes what is there and exits 0): FLAC's STREAMINFO total sample count, and an MP3's Xing/Info or VBRI
/// frame count (written by LAME, ffmpeg and most encoders at the start of the stream).
/// </summary>
/// <remarks>
/// A constant-bit-rate MP3 without such a header declares no length: its truncation cannot be told from a shorter file
/// (ffmpeg drops a partial last frame). Stateless; safe for concurrent use.
/// </remarks>
internal static class DeclaredLength
{
    /// <summary>How many leading bytes (after an ID3v2 tag) <see cref="Parse"/> needs at most.</summary>
    public const int HeaderBytes = 4096;

    /// <summary>The frames (samples per channel) the header declares and how many may be missing legitimately, or null when it declares none.</summary>
    /// <param name="container">The detected container.</param>
    /// <param name="data">The first bytes of the file (from its start, ID3v2 tag included).</param>
    public static (long Frames, long Tolerance)? Parse(AudioContainer container, ReadOnlySpan<byte> data) => container switch
    {
        AudioContainer.Flac => Flac(data),
        AudioContainer.Mp3 => Mp3(data),
        _ => null,
    };

    /// <summary>The size of an ID3v2 tag at the start of <paramref name="data"/> (0 when there is none).</summary>
    public static long Id3Size(ReadOnlySpan<byte> data)
    {
        if (data.Length < 10 || !data.StartsWith("ID3"u8) || ((data[6] | data[7] | data[8] | data[9]) & 0x80) != 0)
        {
            return 0;
        }

        long size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9];
        return 10 + size + ((data[5] & 0x10) != 0 ? 10 : 0);
    }

    /// <summary>Reads what <see cref="Parse"/> needs from a seekable stream at the file's start, then puts the position back.</summary>
    public static (long Frames, long Tolerance)? Read(Stream stream, AudioContainer container)
    {
        if (container is not (AudioContainer.Flac or AudioContainer.Mp3) || !stream.CanSeek)
        {
            return null;
        }

        long start = stream.Position;
        try
        {
            byte[] head = new byte[HeaderBytes];
            int n = WavHeaderParser.ReadFully(stream, head);
            long id3 = Id3Size(head.AsSpan(0, n));
            if (id3 > 0 && id3 + 64 > n)
            {
                // A large tag (cover art): read the frame header behind it.
                if (start + id3 >= stream.Length)
                {
                    return null;
                }

                stream.Position = start + id3;
                n = WavHeaderParser.ReadFully(stream, head);
                return Mp3Frame(head.AsSpan(0, n));
            }

            return Parse(container, head.AsSpan(0, n));
        }
        finally
        {
            stream.Position = start;
        }
    }

    private static (long, long)? Flac(ReadOnlySpan<byte> d)
    {
        // "fLaC", then the STREAMINFO block header (type 0) and its 34 bytes; the 36-bit total ends at byte 26.
        if (d.Length < 42 || !d.StartsWith("fLaC"u8) || (d[4] & 0x7F) != 0)
        {
            return null;
        }

        long total = ((long)(d[21] & 0x0F) << 32) | BinaryPrimitives.ReadUInt32BigEndian(d[22..]);
        return total > 0 ? (total, 0) : null;
    }

    private static (long, long)? Mp3(ReadOnlySpan<byte> d)
    {
        long id3 = Id3Size(d);
        return id3 >= d.Length ? null : Mp3Frame(d[(int)id3..]);
    }

    private static (long, long)? Mp3Frame(ReadOnlySpan<byte> d)
    {
        if (d.Length < 4 || d[0] != 0xFF || (d[1] & 0xE0) != 0xE0)
        {
            return null;
        }

        int version = (d[1] >> 3) & 3;   // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
        int layer = (d[1] >> 1) & 3;     // 1: III, 2: II, 3: I
        if (version == 1 || layer == 0)
        {
            return null;
        }

        bool mono = (d[3] >> 6) == 3;
        int samplesPerFrame = layer == 3 ? 384 : layer == 2 || version == 3 ? 1152 : 576;
        int sideInfo = version == 3 ? (mono ? 17 : 32) : (mono ? 9 : 17);
        long? frames = null;
        int xing = 4 + sideInfo;
        if (d.Length >= xing + 12 && (d.Slice(xing, 4).SequenceEqual("Xing"u8) || d.Slice(xing, 4).SequenceEqual("Info"u8))
            && (BinaryPrimitives.ReadUInt32BigEndian(d[(xing + 4)..]) & 1) != 0)
        {
            frames = BinaryPrimitives.ReadUInt32BigEndian(d[(xing + 8)..]);
        }
        else if (d.Length >= 36 + 18 && d.Slice(36, 4).SequenceEqual("VBRI"u8))
        {
            frames = BinaryPrimitives.ReadUInt32BigEndian(d[(36 + 14)..]);
        }

        // The decoder trims the encoder's delay and padding (LAME writes them; at most 4095 samples each).
        return frames > 0 ? (frames.Value * samplesPerFrame, (2 * samplesPerFrame) + 8190) : null;
    }
}

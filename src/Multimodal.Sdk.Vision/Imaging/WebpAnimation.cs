using System.Buffers.Binary;

namespace Multimodal.Sdk;

/// <summary>
/// Turns an animated WebP into a still WebP of its first frame, which ImageSharp 2.1 (no animation support) decodes.
/// The first <c>ANMF</c> chunk carries a complete bitstream (<c>VP8L</c>, or <c>VP8</c> with an optional <c>ALPH</c>)
/// and where it sits on the canvas; the still is those chunks in a new RIFF container, with a <c>VP8X</c> header when
/// there is an alpha chunk. Models see one picture, as for GIFs (whose first frame the decoder takes).
/// </summary>
/// <remarks>
/// Stateless; safe for concurrent use. The first frame of an animation normally covers the canvas (libwebp, ffmpeg and
/// img2webp write it so); when it does not, <see cref="FirstFrame.X"/>, <see cref="FirstFrame.Y"/> and the canvas size
/// let the caller place it on a canvas.
/// </remarks>
internal static class WebpAnimation
{
    private const byte AnimationFlag = 0x02;
    private const byte AlphaFlag = 0x10;

    /// <summary>Whether <paramref name="data"/> is a WebP whose <c>VP8X</c> header sets the animation flag.</summary>
    public static bool IsAnimated(ReadOnlySpan<byte> data) =>
        data.Length >= 21 && data.StartsWith("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8) && data[12..16].SequenceEqual("VP8X"u8)
        && (data[20] & AnimationFlag) != 0;

    /// <summary>The first frame of an animated WebP as a still WebP, with its place on the canvas.</summary>
    /// <exception cref="InputDecodeException">The container is truncated or holds no complete first frame.</exception>
    public static FirstFrame ExtractFirstFrame(ReadOnlySpan<byte> data)
    {
        if (data.Length < 30)
        {
            throw Error("the animated WebP ends inside its VP8X header");
        }

        int canvasWidth = ReadUInt24(data[24..]) + 1;
        int canvasHeight = ReadUInt24(data[27..]) + 1;
        long end = Math.Min(data.Length, (long)BinaryPrimitives.ReadUInt32LittleEndian(data[4..]) + 8);
        long p = 12;
        while (p + 8 <= end)
        {
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(data[(int)(p + 4)..]);
            long body = p + 8;
            if (body + size > end)
            {
                break;
            }

            if (data.Slice((int)p, 4).SequenceEqual("ANMF"u8))
            {
                return Frame(data.Slice((int)body, (int)size), canvasWidth, canvasHeight);
            }

            p = body + size + (size & 1);
        }

        throw Error("the animated WebP holds no complete frame (no whole ANMF chunk)");
    }

    private static FirstFrame Frame(ReadOnlySpan<byte> anmf, int canvasWidth, int canvasHeight)
    {
        if (anmf.Length < 16)
        {
            throw Error("the animated WebP's first ANMF chunk ends inside its frame header");
        }

        // Offsets are stored halved (the spec's "Frame X / Y" are multiples of 2).
        int x = 2 * ReadUInt24(anmf);
        int y = 2 * ReadUInt24(anmf[3..]);
        int width = ReadUInt24(anmf[6..]) + 1;
        int height = ReadUInt24(anmf[9..]) + 1;
        ReadOnlySpan<byte> alpha = default;
        ReadOnlySpan<byte> bitstream = default;
        ReadOnlySpan<byte> bitstreamId = default;
        int p = 16;
        while (p + 8 <= anmf.Length)
        {
            var id = anmf.Slice(p, 4);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(anmf[(p + 4)..]);
            if (size > anmf.Length - p - 8)
            {
                throw Error("the animated WebP's first frame is truncated");
            }

            var chunk = anmf.Slice(p, 8 + (int)size);
            if (id.SequenceEqual("ALPH"u8))
            {
                alpha = chunk;
            }
            else if (id.SequenceEqual("VP8 "u8) || id.SequenceEqual("VP8L"u8))
            {
                bitstream = chunk;
                bitstreamId = id;
                break;
            }

            p += 8 + (int)size + (int)(size & 1);
        }

        if (bitstream.IsEmpty)
        {
            throw Error("the animated WebP's first frame has no VP8 or VP8L bitstream");
        }

        // VP8L carries its own alpha; an ALPH chunk only goes with lossy VP8, and then needs the extended header.
        bool withAlpha = !alpha.IsEmpty && bitstreamId.SequenceEqual("VP8 "u8);
        int length = 12 + (withAlpha ? 18 + Padded(alpha.Length) : 0) + Padded(bitstream.Length);
        byte[] still = new byte[length];
        var o = still.AsSpan();
        "RIFF"u8.CopyTo(o);
        BinaryPrimitives.WriteUInt32LittleEndian(o[4..], (uint)(length - 8));
        "WEBP"u8.CopyTo(o[8..]);
        int q = 12;
        if (withAlpha)
        {
            "VP8X"u8.CopyTo(o[q..]);
            BinaryPrimitives.WriteUInt32LittleEndian(o[(q + 4)..], 10);
            o[q + 8] = AlphaFlag;
            WriteUInt24(o[(q + 12)..], width - 1);
            WriteUInt24(o[(q + 15)..], height - 1);
            q += 18;
            alpha.CopyTo(o[q..]);
            q += Padded(alpha.Length);
        }

        bitstream.CopyTo(o[q..]);
        return new FirstFrame(still, canvasWidth, canvasHeight, x, y, width, height);
    }

    private static int Padded(int chunkLength) => chunkLength + (chunkLength & 1);

    private static int ReadUInt24(ReadOnlySpan<byte> b) => b[0] | (b[1] << 8) | (b[2] << 16);

    private static void WriteUInt24(Span<byte> b, int value)
    {
        b[0] = (byte)value;
        b[1] = (byte)(value >> 8);
        b[2] = (byte)(value >> 16);
    }

    private static InputDecodeException Error(string what) => new($"The WebP image cannot be decoded: {what}.");

    /// <summary>The first frame as a still WebP (<paramref name="Still"/>), the canvas size, and the frame's place on it.</summary>
    internal readonly record struct FirstFrame(byte[] Still, int CanvasWidth, int CanvasHeight, int X, int Y, int Width, int Height)
    {
        /// <summary>Whether the frame is the whole canvas (nothing to compose).</summary>
        public bool CoversCanvas => X == 0 && Y == 0 && Width == CanvasWidth && Height == CanvasHeight;
    }
}

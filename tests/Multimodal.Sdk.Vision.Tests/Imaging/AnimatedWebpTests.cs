using System.Buffers.Binary;
using System.Diagnostics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace Multimodal.Sdk.Vision.Tests.Imaging;

/// <summary>
/// Animated WebPs (which ImageSharp 2.1 refuses) decode to their first frame, as animated GIFs do. The animations are
/// built here as libwebp's muxer writes them: VP8X (animation flag) + ANIM + one ANMF per frame, each frame's chunks
/// being those of a still WebP that ImageSharp encoded.
/// </summary>
public sealed class AnimatedWebpTests
{
    private readonly ImageSharpImageDecoder _decoder = new(MultimodalOptions.DefaultMaxImagePixels);

    [Fact]
    public void LosslessAnimationDecodesToItsFirstFrame()
    {
        byte[] animation = Animation(40, 30, [Frame(40, 30, new Rgba32(200, 30, 30, 255), 0, 0, lossless: true), Frame(20, 10, new Rgba32(0, 0, 250, 255), 4, 6, lossless: true)]);

        using var image = _decoder.Decode(animation);

        Assert.Equal((40, 30), (image.Width, image.Height));
        Assert.All(Pixels(image), p => Assert.Equal((200, 30, 30), p));
    }

    [Fact]
    public void FfmpegsAnimatedWebpDecodesToTheSamePixelsAsItsFirstFrame()
    {
        string dir = Directory.CreateTempSubdirectory("mm-webp-").FullName;
        try
        {
            // libwebp's animation encoder (ffmpeg's libwebp_anim), lossless: the first frame must match bit for bit.
            string animated = Path.Combine(dir, "anim.webp");
            string first = Path.Combine(dir, "first.png");
            Ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=5", "-t", "1", "-c:v", "libwebp_anim", "-lossless", "1", "-loop", "0", animated);
            Ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=5", "-frames:v", "1", first);

            using var image = _decoder.Decode(File.ReadAllBytes(animated));
            using var expected = _decoder.Decode(File.ReadAllBytes(first));

            Assert.True(WebpAnimation.IsAnimated(File.ReadAllBytes(animated)));
            Assert.Equal((64, 48), (image.Width, image.Height));
            Assert.Equal(expected.Pixels.ToArray(), image.Pixels.ToArray());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void LossyFrameWithAnAlphaChunkDecodes()
    {
        byte[] animation = Animation(32, 32, [Frame(32, 32, new Rgba32(20, 180, 60, 128), 0, 0, lossless: false), Frame(32, 32, new Rgba32(255, 255, 255, 255), 0, 0, lossless: false)]);
        Assert.Contains("ALPH", System.Text.Encoding.ASCII.GetString(animation), StringComparison.Ordinal);

        using var image = _decoder.Decode(animation);

        Assert.Equal((32, 32), (image.Width, image.Height));
        Assert.All(Pixels(image), p => Assert.True(Math.Abs(p.R - 20) + Math.Abs(p.G - 180) + Math.Abs(p.B - 60) < 24, $"pixel {p}"));
    }

    [Fact]
    public void FirstFrameSmallerThanTheCanvasIsPlacedAtItsOffset()
    {
        byte[] animation = Animation(16, 12, [Frame(6, 4, new Rgba32(10, 220, 10, 255), 4, 2, lossless: true)]);

        using var image = _decoder.Decode(animation);

        Assert.Equal((16, 12), (image.Width, image.Height));
        var pixels = Pixels(image);
        for (int y = 0; y < 12; y++)
        {
            for (int x = 0; x < 16; x++)
            {
                bool inside = x is >= 4 and < 10 && y is >= 2 and < 6;
                Assert.Equal(inside ? (10, 220, 10) : (0, 0, 0), pixels[(y * 16) + x]);
            }
        }
    }

    [Fact]
    public void AnimationCutInsideItsFirstFrameIsADecodeError()
    {
        byte[] animation = Animation(40, 30, [Frame(40, 30, new Rgba32(200, 30, 30, 255), 0, 0, lossless: true)]);

        var ex = Assert.Throws<InputDecodeException>(() => _decoder.Decode(animation.AsSpan(0, animation.Length - 20)));

        Assert.Contains("WebP", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CanvasOverThePixelBudgetIsRefused()
    {
        byte[] animation = Animation(40, 30, [Frame(40, 30, new Rgba32(200, 30, 30, 255), 0, 0, lossless: true)]);

        Assert.Throws<InputTooLargeException>(() => new ImageSharpImageDecoder(40 * 30 - 1).Decode(animation));
    }

    private static void Ffmpeg(params string[] args)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])["-hide_banner", "-loglevel", "error", "-y", .. args])
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, "ffmpeg (tools/fetch-test-assets.sh installs it): " + err);
    }

    private static List<(int R, int G, int B)> Pixels(RgbImage image)
    {
        var pixels = image.Pixels;
        var result = new List<(int, int, int)>();
        for (int i = 0; i < pixels.Length; i += 3)
        {
            result.Add((pixels[i], pixels[i + 1], pixels[i + 2]));
        }

        return result;
    }

    // An ANMF chunk: the 16-byte frame header, then the still's ALPH / VP8 / VP8L chunks (its RIFF and VP8X dropped).
    private static byte[] Frame(int width, int height, Rgba32 color, int x, int y, bool lossless)
    {
        using var image = new Image<Rgba32>(width, height, color);
        using var encoded = new MemoryStream();
        image.SaveAsWebp(encoded, new WebpEncoder { FileFormat = lossless ? WebpFileFormatType.Lossless : WebpFileFormatType.Lossy, UseAlphaCompression = true, Quality = 90 });
        byte[] still = encoded.ToArray();
        using var payload = new MemoryStream();
        payload.Write(UInt24(x / 2));
        payload.Write(UInt24(y / 2));
        payload.Write(UInt24(image.Width - 1));
        payload.Write(UInt24(image.Height - 1));
        payload.Write(UInt24(100));
        payload.WriteByte(0);
        for (int p = 12; p + 8 <= still.Length;)
        {
            int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(still.AsSpan(p + 4));
            int padded = 8 + size + (size & 1);
            if (!still.AsSpan(p, 4).SequenceEqual("VP8X"u8))
            {
                payload.Write(still, p, Math.Min(padded, still.Length - p));
            }

            p += padded;
        }

        return Chunk("ANMF", payload.ToArray());
    }

    private static byte[] Animation(int width, int height, byte[][] frames)
    {
        byte[] vp8x = new byte[10];
        vp8x[0] = 0x02 | 0x10;
        UInt24(width - 1).CopyTo(vp8x, 4);
        UInt24(height - 1).CopyTo(vp8x, 7);
        using var body = new MemoryStream();
        body.Write("WEBP"u8);
        body.Write(Chunk("VP8X", vp8x));
        body.Write(Chunk("ANIM", [255, 255, 255, 255, 0, 0]));
        foreach (byte[] frame in frames)
        {
            body.Write(frame);
        }

        return Chunk("RIFF", body.ToArray());
    }

    private static byte[] Chunk(string id, byte[] data)
    {
        byte[] chunk = new byte[8 + data.Length + (data.Length & 1)];
        System.Text.Encoding.ASCII.GetBytes(id).CopyTo(chunk, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(4), (uint)data.Length);
        data.CopyTo(chunk, 8);
        return chunk;
    }

    private static byte[] UInt24(int value) => [(byte)value, (byte)(value >> 8), (byte)(value >> 16)];
}

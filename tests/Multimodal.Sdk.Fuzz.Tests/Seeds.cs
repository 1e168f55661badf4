using System.Buffers.Binary;
using System.Diagnostics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace Multimodal.Sdk.Fuzz.Tests;

/// <summary>Valid inputs the mutations start from: one small image per registered format, WAVs of every sample format, ffmpeg containers.</summary>
internal static class Seeds
{
    public static IReadOnlyList<(string Format, byte[] Bytes)> Images { get; } = CreateImages();

    public static IReadOnlyList<byte[]> Wavs { get; } = CreateWavs();

    public static string RepoRoot { get; } = typeof(Seeds).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
        .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;

    private static List<(string, byte[])> CreateImages()
    {
        using var image = new Image<Rgb24>(24, 16);
        for (int y = 0; y < 16; y++)
        {
            for (int x = 0; x < 24; x++)
            {
                image[x, y] = new Rgb24((byte)(x * 10), (byte)(y * 15), (byte)((x + y) * 5));
            }
        }

        byte[] Encode(SixLabors.ImageSharp.Formats.IImageEncoder encoder)
        {
            using var ms = new MemoryStream();
            image.Save(ms, encoder);
            return ms.ToArray();
        }

        return
        [
            ("PNG", Encode(new PngEncoder())),
            ("JPEG", Encode(new JpegEncoder { Quality = 80 })),
            ("GIF", Encode(new GifEncoder())),
            ("BMP", Encode(new BmpEncoder())),
            ("WEBP", Encode(new WebpEncoder { FileFormat = WebpFileFormatType.Lossless })),
            ("WEBP", Encode(new WebpEncoder { FileFormat = WebpFileFormatType.Lossy })),
        ];
    }

    /// <summary>Overwrites the width and height the format's header declares with extreme values.</summary>
    public static byte[]? HeaderLie(string format, byte[] b, Random r)
    {
        int[] extremes = [0, 1, 65535, 100_000, 1 << 24, int.MaxValue, -1, r.Next()];
        int w = extremes[r.Next(extremes.Length)], h = extremes[r.Next(extremes.Length)];
        switch (format)
        {
            case "PNG":
                Mutator.WriteInt32(b, 16, w, true);
                Mutator.WriteInt32(b, 20, h, true);
                return b;
            case "BMP":
                Mutator.WriteInt32(b, 18, w, false);
                Mutator.WriteInt32(b, 22, h, false);
                return b;
            case "GIF":
                Mutator.WriteUInt16(b, 6, (ushort)w, false);
                Mutator.WriteUInt16(b, 8, (ushort)h, false);
                return b;
            case "JPEG":
                int sof = b.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]);
                if (sof < 0)
                {
                    return null;
                }

                Mutator.WriteUInt16(b, sof + 5, (ushort)h, true);
                Mutator.WriteUInt16(b, sof + 7, (ushort)w, true);
                return b;
            case "WEBP":
                // VP8L: 14-bit width-1 and height-1 after the signature byte; VP8: 14-bit sizes after the start code.
                if (b.Length > 30 && b[15] == (byte)'L')
                {
                    Mutator.WriteInt32(b, 21, (w & 0x3FFF) | ((h & 0x3FFF) << 14), false);
                }
                else if (b.Length > 30)
                {
                    Mutator.WriteUInt16(b, 26, (ushort)(w & 0x3FFF), false);
                    Mutator.WriteUInt16(b, 28, (ushort)(h & 0x3FFF), false);
                }

                return b;
            default:
                return null;
        }
    }

    private static List<byte[]> CreateWavs()
    {
        var tone = new float[4000];
        for (int i = 0; i < tone.Length; i++)
        {
            tone[i] = (float)(0.5 * Math.Sin(2 * Math.PI * 440 * i / 16000));
        }

        return
        [
            Wav(1, 16, 16000, 1, tone),
            Wav(1, 16, 44100, 2, tone),
            Wav(1, 8, 8000, 1, tone),
            Wav(1, 24, 22050, 1, tone),
            Wav(1, 32, 48000, 2, tone),
            Wav(3, 32, 16000, 1, tone),
            Wav(3, 64, 11025, 3, tone),
        ];
    }

    public static byte[] Wav(int format, int bits, int rate, int channels, float[] samples)
    {
        int bytes = bits / 8;
        int frames = samples.Length / channels;
        var data = new byte[frames * channels * bytes];
        for (int i = 0; i < frames * channels; i++)
        {
            double v = samples[i];
            var at = data.AsSpan(i * bytes);
            switch ((format, bits))
            {
                case (3, 32): BinaryPrimitives.WriteSingleLittleEndian(at, (float)v); break;
                case (3, 64): BinaryPrimitives.WriteDoubleLittleEndian(at, v); break;
                case (_, 8): at[0] = (byte)(128 + (v * 127)); break;
                case (_, 16): BinaryPrimitives.WriteInt16LittleEndian(at, (short)(v * 32767)); break;
                case (_, 24): int s24 = (int)(v * 8388607); at[0] = (byte)s24; at[1] = (byte)(s24 >> 8); at[2] = (byte)(s24 >> 16); break;
                default: BinaryPrimitives.WriteInt32LittleEndian(at, (int)(v * int.MaxValue)); break;
            }
        }

        var wav = new byte[44 + data.Length];
        "RIFF"u8.CopyTo(wav);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(4), wav.Length - 8);
        "WAVEfmt "u8.CopyTo(wav.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(20), (short)format);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(22), (short)channels);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(24), rate);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(28), rate * channels * bytes);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(32), (short)(channels * bytes));
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(34), (short)bits);
        "data"u8.CopyTo(wav.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(40), data.Length);
        data.CopyTo(wav, 44);
        return wav;
    }

    /// <summary>Header fields of a WAV that lie: rate, channels, bits, block align, data size, NaN samples.</summary>
    public static byte[]? WavLie(byte[] b, Random r)
    {
        if (b.Length < 48)
        {
            return null;
        }

        switch (r.Next(6))
        {
            case 0: Mutator.WriteInt32(b, 24, new[] { 0, 1, 8, 15, 16_384_001, 1_000_000_000, int.MaxValue, -1 }[r.Next(8)], false); break;
            case 1: Mutator.WriteUInt16(b, 22, new ushort[] { 0, 7, 255, 65535 }[r.Next(4)], false); break;
            case 2: Mutator.WriteUInt16(b, 34, new ushort[] { 0, 1, 12, 33, 65535 }[r.Next(5)], false); break;
            case 3: Mutator.WriteUInt16(b, 32, new ushort[] { 0, 1, 3, 65535 }[r.Next(4)], false); break;
            case 4: Mutator.WriteInt32(b, 40, new[] { 0, -1, int.MaxValue, 0x7FFFF000 }[r.Next(4)], false); break;
            default:
                if (BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(20)) == 3 && BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(34)) == 32)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(44 + (4 * r.Next((b.Length - 44) / 4))), r.Next(2) == 0 ? float.NaN : float.PositiveInfinity);
                }

                break;
        }

        return b;
    }

    /// <summary>FLAC, MP3 and Ogg encodings of the first WAV seed, or none when ffmpeg is not installed.</summary>
    public static IReadOnlyList<byte[]> Containers { get; } = CreateContainers();

    private static List<byte[]> CreateContainers()
    {
        var result = new List<byte[]>();
        string dir = Directory.CreateTempSubdirectory("mm-fuzz-seeds-").FullName;
        try
        {
            string wav = Path.Combine(dir, "seed.wav");
            File.WriteAllBytes(wav, Wavs[0]);
            foreach (string ext in new[] { "flac", "mp3", "ogg" })
            {
                string output = Path.Combine(dir, "seed." + ext);
                try
                {
                    using var p = Process.Start(new ProcessStartInfo("ffmpeg", ["-loglevel", "error", "-y", "-i", wav, output]) { RedirectStandardError = true, RedirectStandardOutput = true });
                    p!.WaitForExit(30_000);
                    if (p.ExitCode == 0 && File.Exists(output))
                    {
                        result.Add(File.ReadAllBytes(output));
                    }
                }
                catch (System.ComponentModel.Win32Exception)
                {
                    // No ffmpeg: the container share is skipped (the AudioFile tests cover the clear error).
                }
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        return result;
    }
}

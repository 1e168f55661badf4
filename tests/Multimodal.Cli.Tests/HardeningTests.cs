using System.Buffers.Binary;
using System.IO.Compression;

namespace Multimodal.Cli.Tests;

/// <summary>Issue 19 through <c>mm</c>: a bad input is an error row (exit 3), a bad option exit 2, a bad model folder exit 4; never 134 or a stack trace.</summary>
public sealed class HardeningTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-harden-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A black RGB PNG of the given size, built by hand (a few kilobytes for millions of pixels).</summary>
    internal static byte[] BlackPng(int width, int height)
    {
        using var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.Fastest, leaveOpen: true))
        {
            var row = new byte[1 + (width * 3)];
            for (int y = 0; y < height; y++)
            {
                z.Write(row);
            }
        }

        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        ihdr[9] = 2;
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", raw.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();

        static void Chunk(Stream s, string type, byte[] data)
        {
            Span<byte> length = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
            s.Write(length);
            byte[] typeAndData = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
            s.Write(typeAndData);
            Span<byte> crc = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typeAndData));
            s.Write(crc);
        }
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }

    internal static byte[] SilentWav(int rate, int samples)
    {
        var wav = new byte[44 + (samples * 2)];
        "RIFF"u8.CopyTo(wav);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(4), wav.Length - 8);
        "WAVEfmt "u8.CopyTo(wav.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(20), 1);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(22), 1);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(24), rate);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(28), rate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(32), 2);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(34), 16);
        "data"u8.CopyTo(wav.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(40), samples * 2);
        return wav;
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static void AssertNoStackTrace(MmRun run) =>
        Assert.DoesNotContain("   at ", run.Error + run.Out, StringComparison.Ordinal);

    [Fact]
    public async Task AnExtremeStripInABatchIsAnErrorRowAndTheOtherImagesAreClassified()
    {
        string strip = Write("strip.png", BlackPng(1, 3_000_000));

        var run = await Mm.RunAsync(["classify", "--image", Mm.Asset("large-blue-square.png"), strip, "--labels", "blue square,red circle", "--json"]);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal(2, run.Results.Length);
        Assert.True(run.Results[1].TryGetProperty("error", out var error), run.ToString());
        Assert.Contains("MaxIntermediateBytes", error.GetString(), StringComparison.Ordinal);
        Assert.False(run.Results[0].TryGetProperty("error", out _), run.ToString());
        AssertNoStackTrace(run);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(1_000_000_000)]
    public async Task AWavAtAnExtremeSampleRateIsAnErrorRowNotAUsageError(int rate)
    {
        string odd = Write("odd.wav", SilentWav(rate, 400));

        var run = await Mm.RunAsync(["transcribe", "--audio", odd, Mm.Asset("speech-en-turn-on-the-blue-light.wav"), "--json"]);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("sample rate", run.Results[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(run.Results[1].TryGetProperty("error", out _), run.ToString());
    }

    [Theory]
    [InlineData("ask", "--question", "what?", "--max-tokens", "2147483647")]
    [InlineData("caption", "--beams", "100000")]
    [InlineData("caption", "--sample", "--num", "100000")]
    [InlineData("caption", "--temperature", "0.7")]
    public async Task AnAbsurdSearchOptionIsAUsageErrorWithAClearMessage(params string[] args)
    {
        var run = await Mm.RunAsync([args[0], "--image", Mm.Asset("large-blue-square.png"), .. args[1..]]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("error: ", run.ErrorLines[0], StringComparison.Ordinal);
        AssertNoStackTrace(run);
    }

    [Fact]
    public async Task AModelFolderWithZeroBeamsIsAnIncompatibleModel()
    {
        string model = Path.Combine(_dir, "captioner");
        CopyDirectory(Path.Combine(Mm.RepoRoot, "models", "tiny-captioner"), model);
        File.WriteAllText(Path.Combine(model, "generation_config.json"), """{"decoder_start_token_id": 334, "eos_token_id": 334, "num_beams": 0}""");

        var run = await Mm.RunAsync(["caption", "--image", Mm.Asset("large-blue-square.png"), "--model", model]);

        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.Contains("num_beams", run.Error, StringComparison.Ordinal);
        Assert.Contains("generation_config.json", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACaptionPrefixPastTheContextIsAnInputErrorWithoutOnnxRuntimeLogs()
    {
        string prefix = string.Join(' ', Enumerable.Repeat("a blue square", 12));

        var run = await Mm.RunAsync(["caption", "--image", Mm.Asset("large-blue-square.png"), "--prefix", prefix]);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("positions", run.Error, StringComparison.Ordinal);
        AssertNoStackTrace(run);
    }

    [Fact]
    public async Task ASubtitleFileThatCannotBeWrittenIsAnOutputErrorNotAMissingInput()
    {
        var run = await Mm.RunAsync(["transcribe", "--audio", Mm.Asset("speech-en-turn-on-the-blue-light.wav"), "--srt", "/proc/x/o.srt"]);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("cannot write subtitles", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("does not exist", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADirectoryWithNoAudioIsReportedAsSuch()
    {
        string empty = Directory.CreateDirectory(Path.Combine(_dir, "no-audio")).FullName;
        File.WriteAllText(Path.Combine(empty, "notes.txt"), "not audio");

        var run = await Mm.RunAsync(["transcribe", "--audio", empty]);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("directory with no files", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("denied", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("captions", "p.json", "3", "r.json", "{\"1\": [\"a cat\"]}", "--pred")]
    [InlineData("captions", "p.json", "[{\"image_id\": 1, \"caption\": 7}]", "r.json", "{\"1\": [\"a cat\"]}", "entry 0")]
    [InlineData("captions", "p.json", "{\"1\": \"a cat\"}", "r.json", "{\"annotations\": 5}", "annotations")]
    [InlineData("vqa", "p.json", "[{\"question_id\": 1, \"answer\": \"yes\"}]", "r.json", "{\"annotations\": [{\"question_id\": 1}]}", "answers")]
    [InlineData("vqa", "p.json", "[null]", "r.json", "{\"annotations\": []}", "entry 0")]
    [InlineData("asr", "p.jsonl", "{\"id\": \"a\", \"text\": \"hi\"}\nnull\n", "r.json", "{\"a\": \"hi\"}", "entry 1")]
    [InlineData("retrieval", "p.json", "{\"similarity\": [[1, \"x\"]]}", "r.json", "{\"image_of_text\": [0]}", "column 1")]
    [InlineData("retrieval", "p.json", "{\"similarity\": [[1, 0]]}", "r.json", "{\"image_of_text\": [9]}", "image_of_text[0]")]
    public async Task WronglyShapedEvalJsonIsAnInputErrorNamingTheFileAndEntry(string kind, string predName, string pred, string refsName, string refs, string entry)
    {
        string p = Write(predName, System.Text.Encoding.UTF8.GetBytes(pred));
        string r = Write(refsName, System.Text.Encoding.UTF8.GetBytes(refs));

        var run = await Mm.RunAsync(["eval", kind, "--pred", p, "--refs", r]);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Single(run.ErrorLines);
        Assert.Contains(entry, run.Error, StringComparison.Ordinal);
        Assert.True(run.Error.Contains(p, StringComparison.Ordinal) || run.Error.Contains(r, StringComparison.Ordinal), run.ToString());
        AssertNoStackTrace(run);
    }

    [Fact]
    public async Task AnEmptyReferenceGivesAFiniteWer()
    {
        string p = Write("p.json", "{\"a\": \"uh hm\", \"b\": \"\"}"u8.ToArray());
        string r = Write("r.json", "{\"a\": \"\", \"b\": \"\"}"u8.ToArray());

        var run = await Mm.RunAsync(["eval", "asr", "--pred", p, "--refs", r, "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(1.0, run.Json.GetProperty("WER").GetDouble());
    }

    internal static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

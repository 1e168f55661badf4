using System.Diagnostics;

namespace Multimodal.Sdk.Speech.Tests.Audio;

public sealed class AudioFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mmsdk-audio-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string? Ffmpeg = FfmpegLocator.Find(null);

    private static byte[] StereoToneWav(int rate, double seconds, double frequency)
    {
        float[] tone = Signals.Tone(frequency, rate, (int)(rate * seconds), 0.5);
        var interleaved = new short[tone.Length * 2];
        for (int i = 0; i < tone.Length; i++)
        {
            interleaved[2 * i] = interleaved[(2 * i) + 1] = (short)Math.Round(tone[i] * 32767);
        }

        return WavBuilder.Pcm16(rate, 2, interleaved);
    }

    [Fact]
    public void ReadsAWavFileAsMonoAtTheRequestedRate()
    {
        string path = Path.Combine(_dir, "tone.wav");
        File.WriteAllBytes(path, StereoToneWav(44100, 1.0, 1000));
        var audio = AudioFile.Read(path, targetSampleRate: 16000);
        Assert.Equal(16000, audio.SampleRate);
        Assert.Equal(16000, audio.Samples.Length);
        Assert.Equal(0.5, Signals.Amplitude(audio.Samples.Span[4000..12000], 1000, 16000), 3);
    }

    [Fact]
    public void WithoutATargetRateTheFilesOwnRateIsKept()
    {
        var audio = AudioFile.Read(new MemoryStream(StereoToneWav(22050, 0.5, 440)));
        Assert.Equal(22050, audio.SampleRate);
        Assert.Equal(11025, audio.Samples.Length);
    }

    [Fact]
    public void TargetRateEqualToTheFilesRateLeavesSamplesUntouched()
    {
        byte[] wav = StereoToneWav(16000, 0.25, 440);
        Assert.Equal(
            AudioFile.Read(new MemoryStream(wav)).Samples.ToArray(),
            AudioFile.Read(new MemoryStream(wav), 16000).Samples.ToArray());
    }

    [Fact]
    public void CallersStreamIsLeftOpenAndNonSeekableStreamsWork()
    {
        var stream = new TrickleStream(StereoToneWav(48000, 0.5, 440), maxPerRead: 1000);
        var audio = AudioFile.Read(stream, 16000);
        Assert.False(stream.Disposed);
        Assert.Equal(8000, audio.Samples.Length);

        var memory = new MemoryStream(StereoToneWav(48000, 0.1, 440));
        AudioFile.Read(memory);
        Assert.True(memory.CanRead);
    }

    [Fact]
    public void StreamedReaderWithResamplingEqualsTheWholeFileRead()
    {
        byte[] wav = StereoToneWav(44100, 2.0, 3000);
        float[] whole = AudioFile.Read(new MemoryStream(wav), 16000).Samples.ToArray();

        using var reader = AudioReader.Open(new TrickleStream(wav, 333), 16000);
        Assert.Equal(16000, reader.SampleRate);
        Assert.Equal(whole.Length, reader.Length);
        var parts = new List<float>();
        var block = new float[1234];
        int n;
        while ((n = reader.Read(block)) > 0)
        {
            parts.AddRange(block.AsSpan(0, n));
        }

        Assert.Equal(whole, parts.ToArray());
    }

    [Fact]
    public void UnrecognisedAndEmptyInputsGiveInputDecodeException()
    {
        var png = Assert.Throws<InputDecodeException>(() => AudioFile.Read(new MemoryStream([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13])));
        Assert.Contains("not a recognised audio format", png.Message, StringComparison.Ordinal);
        var empty = Assert.Throws<InputDecodeException>(() => AudioFile.Read(new MemoryStream()));
        Assert.Contains("empty", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ArgumentsAreValidated()
    {
        Assert.Throws<ArgumentNullException>(() => AudioFile.Read((Stream)null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => AudioFile.Read(new MemoryStream(StereoToneWav(8000, 0.1, 440)), 0));
        Assert.Throws<FileNotFoundException>(() => AudioFile.Read(Path.Combine(_dir, "missing.wav")));
    }

    [Fact]
    public void SampleRateTooFarFromTheTargetIsAnInputDecodeException()
    {
        byte[] wav = new WavBuilder().Fmt(1, 1, 1, 16).Data(new byte[20]).Build();
        Assert.Contains("more than 1024 times", Assert.Throws<InputDecodeException>(() => AudioFile.Read(new MemoryStream(wav), 16000)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HugeDataSizeClaimedOnAPipeIsATruncationErrorNotAHugeAllocation()
    {
        // 0xF0000000 bytes would be 2^30.9 samples: the header cannot be checked against a pipe's length up front.
        byte[] wav = new WavBuilder().Fmt(1, 1, 16000, 16).Data(new byte[4], declaredSize: 0xF0000000).Build();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InputDecodeException>(() => AudioFile.Read(new TrickleStream(wav)));
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 32L << 20);
    }

    [Fact]
    public void CancellationIsObservedBetweenBlocks()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => AudioFile.Read(new MemoryStream(StereoToneWav(8000, 0.1, 440)), cancellationToken: cts.Token));
    }

    [Theory]
    [InlineData(new byte[] { 0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0, 0, 0 }, "Mp3")]
    [InlineData(new byte[] { 0xFF, 0xFB, 0x90, 0x64 }, "Mp3")]
    [InlineData(new byte[] { 0xFF, 0xF1, 0x50, 0x80 }, "Aac")]
    [InlineData(new byte[] { 0x4F, 0x67, 0x67, 0x53, 0, 2 }, "Ogg")]
    [InlineData(new byte[] { 0x66, 0x4C, 0x61, 0x43, 0, 0, 0, 0x22 }, "Flac")]
    [InlineData(new byte[] { 0, 0, 0, 0x20, 0x66, 0x74, 0x79, 0x70, 0x4D, 0x34, 0x41, 0x20 }, "Mp4")]
    [InlineData(new byte[] { 0x1A, 0x45, 0xDF, 0xA3, 0x9F }, "Matroska")]
    [InlineData(new byte[] { 0x46, 0x4F, 0x52, 0x4D, 0, 0, 0, 0, 0x41, 0x49, 0x46, 0x46 }, "Aiff")]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x41, 0x56, 0x45 }, "Wav")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, "Unknown")]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50 }, "Unknown")]
    public void ContainersAreRecognisedByMagicBytes(byte[] head, string expected) =>
        Assert.Equal(expected, AudioContainerSniffer.Detect(head).ToString());

    [Fact]
    public void MissingFfmpegGivesAClearMessageNamingTheFixes()
    {
        byte[] mp3Head = [0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        var configured = Assert.Throws<InputDecodeException>(() =>
            AudioFile.Read(new MemoryStream(mp3Head), options: new MultimodalOptions { FfmpegPath = Path.Combine(_dir, "no-ffmpeg") }));
        Assert.Contains("needs ffmpeg", configured.Message, StringComparison.Ordinal);
        Assert.Contains("FfmpegPath", configured.Message, StringComparison.Ordinal);

        Assert.Null(FfmpegLocator.Find(null, pathVariable: _dir));
        Assert.Contains("not found on PATH", FfmpegLocator.NotFound("MP3", null).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mp3", "libmp3lame")]
    [InlineData("ogg", "libvorbis")]
    [InlineData("flac", "flac")]
    public void CompressedFilesDecodeThroughFfmpegFromPathAndFromAPipe(string extension, string codec)
    {
        string source = Path.Combine(_dir, "tone.wav");
        File.WriteAllBytes(source, StereoToneWav(44100, 2.0, 1000));
        string encoded = Path.Combine(_dir, "tone." + extension);
        RequireFfmpeg();
        RunFfmpeg("-i", source, "-c:a", codec, encoded);
        foreach (var audio in new[] { AudioFile.Read(encoded, 16000), AudioFile.Read(new TrickleStream(File.ReadAllBytes(encoded), 4096), 16000) })
        {
            Assert.Equal(16000, audio.SampleRate);

            // Lossy codecs add encoder delay and padding; duration within 0.1 s, level within 0.5 dB.
            Assert.InRange(audio.Duration.TotalSeconds, 1.95, 2.1);
            double level = Signals.Amplitude(audio.Samples.Span[8000..24000], 1000, 16000);
            Assert.InRange(Signals.Db(level / 0.5), -0.5, 0.5);
        }
    }

    [Theory]
    [InlineData("mp3", "libmp3lame")]
    [InlineData("flac", "flac")]
    public void TruncatedCompressedFilesAreDecodeErrorsLikeTruncatedWavs(string extension, string codec)
    {
        // ffmpeg decodes what a cut file holds and exits 0; the header's declared length (FLAC's STREAMINFO, the MP3
        // Info/Xing frame count that LAME and ffmpeg write) tells the SDK that the rest is missing.
        RequireFfmpeg();
        string source = Path.Combine(_dir, "tone.wav");
        File.WriteAllBytes(source, StereoToneWav(44100, 3.0, 1000));
        string encoded = Path.Combine(_dir, "tone." + extension);
        RunFfmpeg("-i", source, "-c:a", codec, encoded);
        byte[] whole = File.ReadAllBytes(encoded);
        string cut = Path.Combine(_dir, "cut." + extension);
        File.WriteAllBytes(cut, whole[..(whole.Length / 2)]);

        var fromPath = Assert.Throws<InputDecodeException>(() => AudioFile.Read(cut, 16000));
        var fromPipe = Assert.Throws<InputDecodeException>(() => AudioFile.Read(new TrickleStream(whole[..(whole.Length / 2)], 4096), 16000));
        var fromSeekable = Assert.Throws<InputDecodeException>(() => AudioFile.Read(new MemoryStream(whole[..(whole.Length / 2)]), 16000));
        var wav = Assert.Throws<InputDecodeException>(() => AudioFile.Read(new MemoryStream(File.ReadAllBytes(source)[..100_000]), 16000));

        foreach (var e in new[] { fromPath, fromPipe, fromSeekable, wav })
        {
            Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
        }

        Assert.Contains("header declares", fromPath.Message, StringComparison.Ordinal);

        // The whole file still decodes from every kind of input.
        Assert.InRange(AudioFile.Read(encoded, 16000).Duration.TotalSeconds, 2.95, 3.1);
        Assert.InRange(AudioFile.Read(new TrickleStream(whole, 4096), 16000).Duration.TotalSeconds, 2.95, 3.1);
        Assert.InRange(AudioFile.Read(new MemoryStream(whole), 16000).Duration.TotalSeconds, 2.95, 3.1);
    }

    [Fact]
    public void FfmpegFailureIsReportedWithItsOwnMessage()
    {
        RequireFfmpeg();
        var e = Assert.Throws<InputDecodeException>(() => AudioFile.Read(new MemoryStream("OggS\0\u0002garbage-garbage"u8.ToArray())));
        Assert.Contains("ffmpeg", e.Message, StringComparison.Ordinal);
        Assert.Contains("OGG", e.Message, StringComparison.Ordinal);
    }

    /// <summary>These tests are about decoding through ffmpeg: without it they fail with the install step, never pass.</summary>
    private static void RequireFfmpeg() =>
        Assert.True(Ffmpeg is not null, "ffmpeg is not installed, so MP3/Ogg/FLAC decoding cannot be tested: run tools/fetch-test-assets.sh (CI does).");

    private static void RunFfmpeg(params string[] args)
    {
        var info = new ProcessStartInfo(Ffmpeg!) { RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])["-hide_banner", "-loglevel", "error", "-y", .. args])
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
    }
}

using System.Buffers.Binary;
using Multimodal.Sdk.Speech.Tests.Audio;

namespace Multimodal.Sdk.Speech.Tests.Recognition;

/// <summary>Audio read from a stream window by window: bounded memory over hours, and clear answers for bad input.</summary>
/// <remarks>
/// Not run beside other test classes: the memory bound is read with <see cref="GC.GetTotalMemory(bool)"/>, which counts
/// the whole process: a CI run read 19 MB of growth (bound 16 MB) with other classes decoding beside it.
/// </remarks>
[Collection(nameof(LongAudioStreamingTests))]
public sealed class LongAudioStreamingTests : IDisposable
{
    private const int Rate = 16000;

    private readonly RecordingDecoder _decoder;
    private readonly WhisperRecognizer _recognizer;

    public LongAudioStreamingTests()
    {
        RecordingDecoder? recording = null;
        _recognizer = new WhisperRecognizer(new OnnxSessionFactory(), TestData.WhisperPath, d => recording = new RecordingDecoder(d));
        _decoder = recording!;
    }

    public void Dispose() => _recognizer.Dispose();

    [Fact]
    public async Task TwoHourStreamIsTranscribedWithBoundedMemoryAndFindsTheSpeechAtItsTimes()
    {
        // Three clips spliced into two hours of digital silence, then ten minutes of quiet white noise. The tiny model,
        // like its PyTorch reference, invents text when speech starts more than about 3 s into a window (it was
        // trained on windows that start near speech), so the clips sit on the 10 s window grid. The grid holds only if
        // silent windows are skipped whole: a 10 s silent window decodes to a lone <|9.98|> (seek 9.98 s, drifting
        // 0.02 s a window) with p(no speech) near 0.5, so this test skips on p(no speech) > 0.3 alone.
        (string Wav, double At)[] clips = [("en_short.wav", 600.0), ("exact_3s.wav", 3600.0), ("odd_length.wav", 6000.0)];
        var splices = clips.Select(c => (Samples: WavBuilder.ToInt16(TestData.Wav(c.Wav)), Start: (long)(c.At * Rate))).ToArray();
        using var stream = new TwoHourWavStream(2L * 3600 * Rate, splices, noiseFrom: 6600L * Rate, noiseTo: 7200L * Rate);
        stream.Baseline = GC.GetTotalMemory(forceFullCollection: true);

        var found = new List<SpeechSegment>();
        var options = new SpeechRecognitionOptions { Language = "en", Timestamps = true, NoSpeechThreshold = 0.3f, LogProbThreshold = null, ConditionOnPreviousText = false };
        await foreach (var segment in _recognizer.TranscribeStreamingAsync(stream, options))
        {
            // Streaming, not loading: when a segment comes out, the stream has been read at most two windows past it.
            double readSeconds = (stream.BytesRead - 44) / 2.0 / Rate;
            Assert.InRange(readSeconds, segment.End.TotalSeconds, segment.End.TotalSeconds + 20 + 4);
            found.Add(segment);
        }

        Assert.Equal(44 + (2L * 3600 * Rate * 2), stream.BytesRead);
        string all = string.Join("; ", found.Select(s => $"{s.Start.TotalSeconds:F2}-{s.End.TotalSeconds:F2} {s.Text} t={s.Temperature}"));
        var runs = _decoder.Runs;
        all += $" | decoder runs {runs.Count}, steps {runs.Sum(r => r.Steps.Count)}, sampled {runs.Count(r => r.Rows > 1)}, prompted {runs.Count(r => r.Prompt[0] == 535)}";
        Assert.True(found.Count == clips.Length, all);
        var expectedTexts = clips.Select(c => TestData.Clip(c.Wav).GetProperty("timestamps").GetProperty("segments")[0].GetProperty("text").GetString());
        Assert.True(expectedTexts.SequenceEqual(found.Select(s => s.Text)), all);
        for (int i = 0; i < clips.Length; i++)
        {
            var reference = TestData.Clip(clips[i].Wav).GetProperty("timestamps").GetProperty("segments")[0];
            Assert.InRange(found[i].Start.TotalSeconds - clips[i].At - reference.GetProperty("start").GetDouble(), -0.2, 0.2);
            Assert.InRange(found[i].End.TotalSeconds - clips[i].At - reference.GetProperty("end").GetDouble(), -0.2, 0.2);
        }

        // The whole signal would be 460 MB of floats (230 MB as 16-bit); live managed memory stays within a few MB.
        Assert.True(stream.MemorySamples.Count >= 10, $"only {stream.MemorySamples.Count} memory samples");
        long peak = stream.MemorySamples.Max() - stream.Baseline;
        Assert.True(peak < 16L << 20, $"live managed memory grew by {peak / (1 << 20)} MB while streaming two hours");
    }

    [Fact]
    public async Task StreamAndPathGiveTheSameSegmentsAsInMemoryAudio()
    {
        string path = TestData.Fixture("long_12s.wav");
        var options = new SpeechRecognitionOptions { Language = "en", Timestamps = true };
        var inMemory = await _recognizer.TranscribeAsync(TestData.Wav("long_12s.wav"), options);
        await using var file = File.OpenRead(path);
        var fromStream = await _recognizer.TranscribeAsync(new NonSeekable(file), options);
        var fromPath = await _recognizer.TranscribeAsync(path, options);

        Assert.NotEmpty(inMemory.Segments);
        Assert.Equal(inMemory.Segments.Select(s => (s.Start, s.End, s.Text)), fromStream.Segments.Select(s => (s.Start, s.End, s.Text)));
        Assert.Equal(inMemory.Segments.Select(s => (s.Start, s.End, s.Text)), fromPath.Segments.Select(s => (s.Start, s.End, s.Text)));
        Assert.Equal(inMemory.Text, fromPath.Text);
    }

    [Fact]
    public async Task ShortClipFromAStreamIsOneSegmentSpanningTheClip()
    {
        var result = await _recognizer.TranscribeAsync(new MemoryStream(File.ReadAllBytes(TestData.Fixture("en_short.wav"))));
        var segment = Assert.Single(result.Segments);
        Assert.Equal("turn on the blue light", segment.Text);
        Assert.Equal("en", result.Language);
        Assert.Equal(39740.0 / Rate, segment.End.TotalSeconds, 3);
    }

    [Fact]
    public async Task StreamIsNotDisposed()
    {
        var stream = new MemoryStream(File.ReadAllBytes(TestData.Fixture("en_short.wav")));
        await _recognizer.TranscribeAsync(stream);
        Assert.True(stream.CanRead);
    }

    [Fact]
    public async Task SilenceOnlyGivesAnEmptyResult()
    {
        var silence = WavBuilder.Pcm16(Rate, 1, new short[Rate * 25]);
        var result = await _recognizer.TranscribeAsync(new MemoryStream(silence), new SpeechRecognitionOptions { Timestamps = true });
        Assert.Empty(result.Segments);
        Assert.Equal(string.Empty, result.Text);
    }

    [Fact]
    public async Task EmptyInputsAreRejectedClearly()
    {
        var noBytes = await Assert.ThrowsAsync<InputDecodeException>(() => _recognizer.TranscribeAsync(new MemoryStream()));
        Assert.Contains("empty", noBytes.Message, StringComparison.Ordinal);
        var noSamples = await Assert.ThrowsAsync<InputDecodeException>(() => _recognizer.TranscribeAsync(new MemoryStream(WavBuilder.Pcm16(Rate, 1, []))));
        Assert.Contains("no samples", noSamples.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => _recognizer.TranscribeAsync(new AudioData(Array.Empty<float>(), Rate)));
    }

    [Fact]
    public async Task UnsupportedFormatIsRejectedNamingIt()
    {
        var notAudio = await Assert.ThrowsAsync<InputDecodeException>(() => _recognizer.TranscribeAsync(new MemoryStream("this is not audio at all"u8.ToArray())));
        Assert.Contains("not a recognised audio format", notAudio.Message, StringComparison.Ordinal);

        var muLaw = WavBuilder.Pcm16(Rate, 1, new short[Rate]);
        BinaryPrimitives.WriteInt16LittleEndian(muLaw.AsSpan(20), 7);   // WAVE_FORMAT_MULAW
        var ex = await Assert.ThrowsAsync<InputDecodeException>(() => _recognizer.TranscribeAsync(new MemoryStream(muLaw)));
        Assert.Contains("law", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(int.MaxValue)]
    public async Task ImpossibleSampleRateInTheHeaderIsRejected(int rate)
    {
        var wav = WavBuilder.Pcm16(Rate, 1, new short[Rate]);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(24), rate);
        var ex = await Assert.ThrowsAsync<InputDecodeException>(() => _recognizer.TranscribeAsync(new MemoryStream(wav)));
        Assert.Contains(rate == 0 ? "sample rate 0" : "sample rate", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task PlausibleButWrongRateIsTakenAtItsWord()
    {
        // A header cannot be checked against the sound: 16 kHz speech declared as 20 kHz plays 1.25 times as fast,
        // and times are in the declared rate's seconds.
        var clip = WavBuilder.ToInt16(TestData.Wav("en_short.wav"));
        var result = await _recognizer.TranscribeAsync(new MemoryStream(WavBuilder.Pcm16(20_000, 1, clip)), new SpeechRecognitionOptions { Language = "en" });
        Assert.Equal(clip.Length / 20_000.0, Assert.Single(result.Segments).End.TotalSeconds, 3);
    }

    [Fact]
    public async Task TruncatedPipeFailsWhenReadingReachesTheEarlyEnd()
    {
        var wav = WavBuilder.Pcm16(Rate, 1, new short[Rate * 30]);
        var cut = new NonSeekable(new MemoryStream(wav[..(wav.Length / 2)]));
        var ex = await Assert.ThrowsAsync<InputDecodeException>(() => _recognizer.TranscribeAsync(cut));
        Assert.Contains("truncated", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Hides seeking, as a network or pipe stream would.</summary>
    private sealed class NonSeekable(Stream inner) : ForwardOnlyReadStream
    {
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
    }

    /// <summary>
    /// A 16 kHz 16-bit WAV generated as it is read (never held in memory): digital silence, quiet white noise in one
    /// stretch, clips spliced in. Samples live managed memory every 16 MB it hands out.
    /// </summary>
    private sealed class TwoHourWavStream(long samples, (short[] Samples, long Start)[] splices, long noiseFrom, long noiseTo) : ForwardOnlyReadStream
    {
        private readonly byte[] _header = WavBuilder.Pcm16Header(Rate, 1, (uint)(samples * 2));
        private long _nextProbe = 16L << 20;

        public long BytesRead { get; private set; }

        public long Baseline { get; set; }

        public List<long> MemorySamples { get; } = [];

        public override int Read(Span<byte> buffer)
        {
            int n = (int)Math.Min(buffer.Length, 44 + (samples * 2) - BytesRead);
            for (int i = 0; i < n; i++)
            {
                long p = BytesRead + i;
                if (p < 44)
                {
                    buffer[i] = _header[p];
                    continue;
                }

                short value = Sample((p - 44) / 2);
                buffer[i] = (byte)(((p - 44) & 1) == 0 ? value & 0xFF : (value >> 8) & 0xFF);
            }

            BytesRead += n;
            if (BytesRead >= _nextProbe)
            {
                _nextProbe += 16L << 20;
                MemorySamples.Add(GC.GetTotalMemory(forceFullCollection: true));
            }

            return n;
        }

        private short Sample(long index)
        {
            foreach (var (clip, start) in splices)
            {
                if (index >= start && index < start + clip.Length)
                {
                    return clip[index - start];
                }
            }

            if (index >= noiseFrom && index < noiseTo)
            {
                // Deterministic white noise about 46 dB below full scale (a hash of the index).
                ulong x = (ulong)index * 0x9E3779B97F4A7C15UL;
                x ^= x >> 31;
                return (short)((long)(x % 320) - 160);
            }

            return 0;
        }
    }
}

[CollectionDefinition(nameof(LongAudioStreamingTests), DisableParallelization = true)]
public sealed class LongAudioStreamingTestsCollection;

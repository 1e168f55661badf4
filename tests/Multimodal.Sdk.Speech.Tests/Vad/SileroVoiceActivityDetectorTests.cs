using System.Text.Json;

namespace Multimodal.Sdk.Speech.Tests.Vad;

public sealed class SileroVoiceActivityDetectorTests : IDisposable
{
    private readonly SileroVoiceActivityDetector _vad = new(VadTestData.Model);

    public void Dispose() => _vad.Dispose();

    public static TheoryData<string> Files() => [.. VadTestData.ReferenceFiles()];

    public static TheoryData<string, string> FilesAndVariants()
    {
        var data = new TheoryData<string, string>();
        foreach (var f in VadTestData.Reference.GetProperty("files").EnumerateArray())
        {
            foreach (var v in f.GetProperty("regions").EnumerateArray())
            {
                data.Add(f.GetProperty("wav").GetString()!, v.GetProperty("name").GetString()!);
            }
        }

        return data;
    }

    private static JsonElement Variant(string wav, string name) =>
        VadTestData.ReferenceFile(wav).GetProperty("regions").EnumerateArray().Single(v => v.GetProperty("name").GetString() == name);

    private static List<(long, long)> Expected(JsonElement variant) =>
        [.. variant.GetProperty("regions").EnumerateArray().Select(r => (r[0].GetInt64(), r[1].GetInt64()))];

    [Theory]
    [MemberData(nameof(Files))]
    public void WindowProbabilitiesMatchTheOnnxRuntimeNodeReference(string wav)
    {
        var reference = VadTestData.ReferenceFile(wav);
        float[] expected = [.. reference.GetProperty("probabilities").EnumerateArray().Select(p => p.GetSingle())];
        var audio = VadTestData.Wav(wav);
        Assert.Equal(reference.GetProperty("sampleRate").GetInt32(), audio.SampleRate);

        float[] actual = _vad.ComputeProbabilities(audio);

        Assert.Equal(expected.Length, actual.Length);
        double maxDiff = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(maxDiff <= 1e-5, $"max |p - p_ref| = {maxDiff:E2} over {expected.Length} windows of {wav}");
    }

    [Theory]
    [MemberData(nameof(FilesAndVariants))]
    public async Task RegionsEqualSileroGetSpeechTimestampsSampleForSample(string wav, string variantName)
    {
        var variant = Variant(wav, variantName);
        var audio = VadTestData.Wav(wav);

        var regions = await _vad.DetectAsync(audio, VadTestData.Options(variant));

        Assert.Equal(Expected(variant), regions.Select(r => (VadTestData.ToSamples(r.Start, audio.SampleRate), VadTestData.ToSamples(r.End, audio.SampleRate))));
        Assert.All(regions, r => Assert.InRange(r.Probability, 0.3f, 1f));
    }

    // Measured: every start within 100 ms on both files; starts and ends together 88 % (61 s) and 82 % (72 s): the
    // misses are ends 0.1-0.3 s late, where the voice fades over several windows before the probability drops.
    [Theory]
    [InlineData("long_61s.wav", 0.95, 0.8)]
    [InlineData("long_72s.wav", 0.95, 0.8)]
    public async Task RegionBoundariesOnLongFilesAreWithin100MillisecondsOfTheLabelsForMostUtterances(string wav, double minStartShare, double minBoundaryShare)
    {
        var labels = VadTestData.Labels(wav);
        var regions = await _vad.DetectAsync(VadTestData.Wav(wav));

        int starts = 0, boundaries = 0;
        foreach (var (start, end, _) in labels)
        {
            // The region that overlaps the utterance most is the one that should bound it.
            var r = regions.MaxBy(r => Math.Min(r.End.TotalSeconds, end) - Math.Max(r.Start.TotalSeconds, start))!;
            bool startOk = Math.Abs(r.Start.TotalSeconds - start) <= 0.1;
            starts += startOk ? 1 : 0;
            boundaries += (startOk ? 1 : 0) + (Math.Abs(r.End.TotalSeconds - end) <= 0.1 ? 1 : 0);
        }

        double startShare = (double)starts / labels.Count, boundaryShare = boundaries / (2.0 * labels.Count);
        Assert.True(startShare >= minStartShare && boundaryShare >= minBoundaryShare, $"{wav}: starts within 100 ms {startShare:P0}, starts and ends {boundaryShare:P0} of {labels.Count} utterances");
        Assert.InRange(regions.Count, labels.Count - 2, labels.Count + 2);
    }

    [Fact]
    public async Task LongerMinimumSilenceMergesRegions()
    {
        var audio = VadTestData.Wav("long_61s.wav");
        var fine = await _vad.DetectAsync(audio);
        var merged = await _vad.DetectAsync(audio, new VoiceActivityOptions { MinSilenceDuration = TimeSpan.FromSeconds(2) });

        Assert.True(merged.Count < fine.Count, $"{merged.Count} regions with 2 s minimum silence, {fine.Count} with 100 ms");
        Assert.All(fine, r => Assert.Contains(merged, m => m.Start <= r.Start + TimeSpan.FromMilliseconds(1) && m.End >= r.End - TimeSpan.FromMilliseconds(1)));
    }

    [Fact]
    public async Task PaddingWidensEveryRegion()
    {
        var audio = VadTestData.Wav("long_12s.wav");
        var bare = await _vad.DetectAsync(audio, new VoiceActivityOptions { SpeechPadding = TimeSpan.Zero });
        var padded = await _vad.DetectAsync(audio, new VoiceActivityOptions { SpeechPadding = TimeSpan.FromMilliseconds(200) });

        Assert.Equal(bare.Count, padded.Count);
        for (int i = 0; i < bare.Count; i++)
        {
            Assert.True(padded[i].Start < bare[i].Start && padded[i].End > bare[i].End, $"region {i}: {bare[i]} padded to {padded[i]}");
        }

        Assert.All(padded.Zip(padded.Skip(1)), p => Assert.True(p.First.End <= p.Second.Start, "padded regions overlap"));
    }

    [Fact]
    public async Task HigherThresholdNeverAddsSpeech()
    {
        var audio = VadTestData.Wav("long_72s.wav");
        var strict = await _vad.DetectAsync(audio, new VoiceActivityOptions { Threshold = 0.9f, SpeechPadding = TimeSpan.Zero });
        var lax = await _vad.DetectAsync(audio, new VoiceActivityOptions { Threshold = 0.3f, SpeechPadding = TimeSpan.Zero });

        Assert.True(strict.Sum(r => r.Duration.TotalSeconds) < lax.Sum(r => r.Duration.TotalSeconds));
    }

    [Fact]
    public async Task MaxSpeechDurationBoundsEveryRegion()
    {
        var regions = await _vad.DetectAsync(VadTestData.Wav("long_61s.wav"), new VoiceActivityOptions { MaxSpeechDuration = TimeSpan.FromSeconds(1) });
        Assert.All(regions, r => Assert.True(r.Duration <= TimeSpan.FromSeconds(1), $"{r} is longer than 1 s"));
    }

    [Fact]
    public async Task StreamedRegionsEqualTheWholeResult()
    {
        var audio = VadTestData.Wav("long_61s.wav");
        var whole = await _vad.DetectAsync(audio);
        var streamed = new List<VoiceActivityRegion>();
        await foreach (var r in _vad.DetectStreamingAsync(audio))
        {
            streamed.Add(r);
        }

        Assert.Equal(whole, streamed);
    }

    [Fact]
    public async Task TheFirstRegionArrivesBeforeTheRestOfTheFileIsAnalysed()
    {
        // Cancelling on the first region stops the analysis: the regions are not all computed up front.
        using var cts = new CancellationTokenSource();
        int seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var r in _vad.DetectStreamingAsync(VadTestData.Wav("long_61s.wav"), null, cts.Token))
            {
                seen++;
                await cts.CancelAsync();
            }
        });
        Assert.Equal(1, seen);
    }

    [Theory]
    [InlineData(48000)]
    [InlineData(44100)]
    [InlineData(22050)]
    public async Task AudioAtOtherRatesIsResampledAndGivesTheSameRegionsWithin50Milliseconds(int rate)
    {
        var audio = VadTestData.Wav("long_12s.wav");
        var resampled = new AudioData(PolyphaseResampler.Resample(audio.Samples.Span, audio.SampleRate, rate), rate);

        var expected = await _vad.DetectAsync(audio);
        var actual = await _vad.DetectAsync(resampled);

        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.InRange((actual[i].Start - expected[i].Start).Duration().TotalMilliseconds, 0, 50);
            Assert.InRange((actual[i].End - expected[i].End).Duration().TotalMilliseconds, 0, 50);
        }
    }

    [Fact]
    public async Task SilenceHasNoSpeech()
    {
        Assert.Empty(await _vad.DetectAsync(TestData.Wav("silence.wav")));
        Assert.Empty(await _vad.DetectAsync(new AudioData(new float[1], 16000)));
    }

    [Fact]
    public async Task ConcurrentCallsGiveTheSameRegionsAsOneCall()
    {
        var a = VadTestData.Wav("long_12s.wav");
        var b = VadTestData.Wav("en_short_8k.wav");
        var expectedA = await _vad.DetectAsync(a);
        var expectedB = await _vad.DetectAsync(b);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => _vad.DetectAsync(i % 2 == 0 ? a : b))));

        for (int i = 0; i < results.Length; i++)
        {
            Assert.Equal(i % 2 == 0 ? expectedA : expectedB, results[i]);
        }
    }

    [Fact]
    public async Task CancellationStopsDetection()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _vad.DetectAsync(VadTestData.Wav("long_61s.wav"), null, cts.Token));
    }

    [Fact]
    public void EmptyAudioIsRejectedWithAClearMessage()
    {
        var ex = Assert.Throws<ArgumentException>(() => _vad.DetectStreamingAsync(new AudioData(Array.Empty<float>(), 16000)));
        Assert.Contains("no samples", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => _vad.DetectStreamingAsync(null!));
    }

    [Theory]
    [InlineData(0f, null)]
    [InlineData(1.5f, null)]
    [InlineData(0.5f, 0.6f)]
    [InlineData(0.5f, -0.1f)]
    public void ThresholdsOutOfRangeAreRejected(float threshold, float? negative)
    {
        var audio = new AudioData(new float[512], 16000);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => _vad.DetectStreamingAsync(audio, new VoiceActivityOptions { Threshold = threshold, NegativeThreshold = negative }));
        Assert.Contains("Threshold", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NegativeDurationsAreRejected()
    {
        var audio = new AudioData(new float[512], 16000);
        Assert.Throws<ArgumentOutOfRangeException>(() => _vad.DetectStreamingAsync(audio, new VoiceActivityOptions { SpeechPadding = TimeSpan.FromMilliseconds(-1) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _vad.DetectStreamingAsync(audio, new VoiceActivityOptions { MaxSpeechDuration = TimeSpan.Zero }));
    }

    [Fact]
    public void AMissingModelIsReportedWithItsPath()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-folder", "silero_vad_v5.onnx");
        var ex = Assert.Throws<ModelNotFoundException>(() => new SileroVoiceActivityDetector(missing));
        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFolderIsSearchedForTheModelFile()
    {
        using var vad = new SileroVoiceActivityDetector(Path.GetDirectoryName(VadTestData.Model)!);
        Assert.Contains("silero_vad_v5.onnx", vad.ToString(), StringComparison.Ordinal);
        Assert.Throws<ModelNotFoundException>(() => new SileroVoiceActivityDetector(TestData.Fixtures));
    }

    [Fact]
    public void AGraphOfAnotherModelIsIncompatible()
    {
        var encoder = Path.Combine(TestData.WhisperPath, "onnx", "encoder_model.onnx");
        var ex = Assert.Throws<ModelIncompatibleException>(() => new SileroVoiceActivityDetector(encoder));
        Assert.Contains("input", ex.Message, StringComparison.Ordinal);
    }
}

namespace Multimodal.Sdk.Speech.Tests.Vad;

/// <summary>The region logic alone, on probability sequences built by hand (16 kHz, windows of 512 samples).</summary>
public sealed class SpeechRegionTrackerTests
{
    private const int W = 512;

    private static List<SampleRegion> Run(VoiceActivityOptions options, IEnumerable<float> probabilities, long? length = null)
    {
        var tracker = new SpeechRegionTracker(options, 16000, W);
        var regions = new List<SampleRegion>();
        foreach (var p in probabilities)
        {
            tracker.Push(p, regions);
        }

        tracker.Finish(length ?? tracker.Windows * W, regions);
        return regions;
    }

    private static IEnumerable<float> Pattern(params (float P, int Windows)[] parts) => parts.SelectMany(p => Enumerable.Repeat(p.P, p.Windows));

    [Fact]
    public void OneUtteranceIsPaddedOnBothSides()
    {
        // Speech at windows 10..29, silence after: start 5120 - 480, end at the first silent window 15360 + 480.
        var regions = Run(new VoiceActivityOptions(), Pattern((0f, 10), (0.9f, 20), (0f, 20)));
        Assert.Equal([(4640L, 15840L)], regions.Select(r => (r.Start, r.End)));
        Assert.Equal(0.9f, regions[0].Probability, 1e-6f);
    }

    [Fact]
    public void ProbabilitiesBetweenTheThresholdsKeepSpeechGoing()
    {
        // 0.4 is below the threshold (0.5) but above the negative threshold (0.35): the region goes on through it.
        var regions = Run(new VoiceActivityOptions { SpeechPadding = TimeSpan.Zero }, Pattern((0f, 2), (0.9f, 10), (0.4f, 10), (0.9f, 10), (0f, 10)));
        Assert.Equal([(2L * W, 32L * W)], regions.Select(r => (r.Start, r.End)));
    }

    [Fact]
    public void ShortPausesStayInsideARegionAndLongOnesSplitIt()
    {
        // Silence ends a region at the window where it has lasted 100 ms (1600 samples: the 5th silent window), so a
        // 2-window pause stays inside and a 5-window one splits.
        var probabilities = Pattern((0f, 2), (0.9f, 10), (0f, 2), (0.9f, 10), (0f, 5), (0.9f, 10), (0f, 10));
        var regions = Run(new VoiceActivityOptions { SpeechPadding = TimeSpan.Zero }, probabilities);
        Assert.Equal([(2L * W, 24L * W), (29L * W, 39L * W)], regions.Select(r => (r.Start, r.End)));
    }

    [Fact]
    public void RegionsCloserThanTwiceThePaddingShareTheGap()
    {
        // Gap of 5 windows = 2560 samples < 2 x 1600 (100 ms padding): each side takes half.
        var probabilities = Pattern((0f, 10), (0.9f, 10), (0f, 5), (0.9f, 10), (0f, 10));
        var regions = Run(new VoiceActivityOptions { SpeechPadding = TimeSpan.FromMilliseconds(100) }, probabilities);
        Assert.Equal([(10L * W - 1600, 20L * W + 1280), (25L * W - 1280, 35L * W + 1600)], regions.Select(r => (r.Start, r.End)));
    }

    [Fact]
    public void ShortSpeechIsDroppedAndSpeechAtTheEndRunsToTheEnd()
    {
        // 5 windows = 160 ms < 250 ms is dropped; the last region ends with the audio (not padded past it).
        var probabilities = Pattern((0f, 5), (0.9f, 5), (0f, 10), (0.9f, 20));
        var regions = Run(new VoiceActivityOptions(), probabilities, length: 40 * W - 100);
        Assert.Equal([(20L * W - 480, 40L * W - 100)], regions.Select(r => (r.Start, r.End)));
    }

    [Theory]
    [InlineData(true, 24)]
    [InlineData(false, 44)]
    public void LongSpeechIsSplitAtTheLongestOrTheLastPause(bool longest, int splitWindow)
    {
        // Speech with a 6-window pause at 24..29 and a 4-window one at 44..47 (both shorter than the 300 ms minimum
        // silence, both longer than 98 ms); max 2 s = 32000 - 512 samples, passed at window 62.
        var probabilities = Pattern((0.9f, 24), (0.1f, 6), (0.9f, 14), (0.1f, 4), (0.9f, 20), (0f, 20));
        var options = new VoiceActivityOptions
        {
            SpeechPadding = TimeSpan.Zero,
            MinSilenceDuration = TimeSpan.FromMilliseconds(300),
            MaxSpeechDuration = TimeSpan.FromSeconds(2),
            SplitAtLongestSilence = longest,
        };

        var regions = Run(options, probabilities);

        Assert.Equal((0L, (long)splitWindow * W), (regions[0].Start, regions[0].End));
        Assert.Equal(longest ? 30L * W : 48L * W, regions[1].Start);
        Assert.Equal(68L * W, regions[^1].End);
        Assert.Equal(2, regions.Count);
    }

    [Fact]
    public void LongSpeechWithoutPausesIsCutBeforeTheLimit()
    {
        // max 1 s: 16000 - 512 - 0 = 15488 samples; the cut comes at the first window past it (window 31), and the
        // next region starts at the next speech window.
        var regions = Run(new VoiceActivityOptions { SpeechPadding = TimeSpan.Zero, MaxSpeechDuration = TimeSpan.FromSeconds(1) }, Pattern((0.9f, 75), (0f, 10)));
        Assert.Equal([(0L, 31L * W), (32L * W, 63L * W), (64L * W, 75L * W)], regions.Select(r => (r.Start, r.End)));
    }

    [Fact]
    public void RegionProbabilityIsTheMeanOfItsWindows()
    {
        var regions = Run(new VoiceActivityOptions(), Pattern((0f, 4), (0.6f, 10), (1f, 10), (0f, 10)));
        Assert.Equal(0.8f, Assert.Single(regions).Probability, 1e-6f);
    }
}

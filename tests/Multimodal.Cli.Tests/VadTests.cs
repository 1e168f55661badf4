using System.Text.Json;

namespace Multimodal.Cli.Tests;

/// <summary>
/// <c>mm vad</c> and <c>mm transcribe --vad</c> on a labelled 61 s speech-world file (tests/fixtures/vad). They need
/// the real Silero VAD model that tools/fetch-test-assets.sh installs (CI runs it first).
/// </summary>
public sealed class VadTests
{
    private static string LongFile => Path.Combine(Mm.RepoRoot, "tests", "fixtures", "vad", "long_61s.wav");

    private static List<(double Start, double End, string Text)> Labels()
    {
        var line = File.ReadLines(Path.Combine(Mm.RepoRoot, "tests", "fixtures", "vad", "labels.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement).Single(l => l.GetProperty("file").GetString() == "long_61s.wav");
        return [.. line.GetProperty("segments").EnumerateArray().Select(s => (s.GetProperty("start").GetDouble(), s.GetProperty("end").GetDouble(), s.GetProperty("text").GetString()!))];
    }

    private static bool Overlap(double start, double end, (double Start, double End, string Text) label) => start < label.End && end > label.Start;

    [Fact]
    public async Task VadGivesSpeechRegionsThatCoverEveryUtteranceAndNothingElse()
    {
        var run = await Mm.RunAsync("vad", "--audio", LongFile, Mm.Asset("speech-en-turn-on-the-blue-light.wav"), "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(2, run.Results.Length);
        Assert.All(run.Results, r => Assert.Equal(["audio", "speech"], Mm.Keys(r)));
        var regions = run.Results[0].GetProperty("speech").EnumerateArray().ToList();
        Assert.All(regions, r => Assert.Equal(["start", "end"], Mm.Keys(r)));
        var spans = regions.Select(r => (Start: r.GetProperty("start").GetDouble(), End: r.GetProperty("end").GetDouble())).ToList();
        var labels = Labels();

        // Every utterance's middle is inside a region; every region overlaps an utterance; regions are in order.
        Assert.All(labels, l => Assert.Contains(spans, s => s.Start <= (l.Start + l.End) / 2 && (l.Start + l.End) / 2 <= s.End));
        Assert.All(spans, s => Assert.Contains(labels, l => Overlap(s.Start, s.End, l)));
        Assert.Equal(spans.OrderBy(s => s.Start), spans);
        Assert.Single(run.Results[1].GetProperty("speech").EnumerateArray());
    }

    [Fact]
    public async Task TranscribeWithVadPutsEverySegmentOnAnUtteranceAndFindsTheirWords()
    {
        var run = await Mm.RunAsync("transcribe", "--audio", LongFile, "--vad", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var row = Assert.Single(run.Results);
        Assert.Equal(["audio", "language", "text", "segments"], Mm.Keys(row));
        Assert.Equal("en", row.GetProperty("language").GetString());
        var labels = Labels();
        var segments = row.GetProperty("segments").EnumerateArray()
            .Select(s => (Start: s.GetProperty("start").GetDouble(), End: s.GetProperty("end").GetDouble(), Text: s.GetProperty("text").GetString()!)).ToList();
        Assert.All(segments, s => Assert.Contains(labels, l => Overlap(s.Start, s.End, l)));

        // The tiny Whisper is not perfect: most utterances (not all) are found word for word.
        string text = row.GetProperty("text").GetString()!;
        int found = labels.Count(l => text.Contains(l.Text, StringComparison.Ordinal));
        Assert.True(found >= labels.Count * 3 / 4, $"{found} of {labels.Count} utterances in: {text}");
    }

    [Fact]
    public async Task AMissingVadModelExitsFour()
    {
        var run = await Mm.RunAsync("vad", "--audio", LongFile, "--model", Path.Combine(Path.GetTempPath(), "no-such-vad.onnx"));

        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.Single(run.ErrorLines);
    }

    [Fact]
    public async Task VadModelWithoutVadIsAUsageError()
    {
        var run = await Mm.RunAsync("transcribe", "--audio", LongFile, "--vad-model", "x.onnx");

        Assert.True(run.ExitCode == 2, run.ToString());
    }
}

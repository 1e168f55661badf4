using System.Globalization;
using System.Text.RegularExpressions;

namespace Multimodal.Cli.Tests;

/// <summary><c>mm transcribe --srt OUT | --vtt OUT</c>: files written, parseable, with the times the JSON reports.</summary>
public sealed partial class SubtitleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-subtitles-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string LongClip => Path.Combine(Mm.RepoRoot, "tests", "fixtures", "speech", "long_12s.wav");

    [GeneratedRegex(@"^(\d\d):(\d\d):(\d\d)[,.](\d\d\d) --> (\d\d):(\d\d):(\d\d)[,.](\d\d\d)$")]
    private static partial Regex TimeLine();

    [Theory]
    [InlineData("--srt", "long.srt")]
    [InlineData("--vtt", "long.vtt")]
    public async Task SubtitleFileHoldsOneCuePerSegmentAtTheSegmentTimes(string option, string name)
    {
        string output = Path.Combine(_dir, "out", name);
        var run = await Mm.RunAsync("transcribe", "--audio", LongClip, option, output, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var segments = run.Results[0].GetProperty("segments").EnumerateArray()
            .Select(s => (Start: s.GetProperty("start").GetDouble(), End: s.GetProperty("end").GetDouble(), Text: s.GetProperty("text").GetString()!))
            .Where(s => s.Text.Length > 0).ToList();
        var cues = Parse(File.ReadAllText(output), vtt: option == "--vtt");

        Assert.True(segments.Count >= 2, run.Out);
        Assert.Equal(segments.Count, cues.Count);
        foreach (var (segment, cue) in segments.Zip(cues))
        {
            Assert.Equal(segment.Text, cue.Text);
            Assert.Equal(segment.Start, cue.Start, 0.0011);
            Assert.Equal(segment.End, cue.End, 0.0011);
        }
    }

    [Fact]
    public async Task SeveralClipsWriteOneFileEachIntoTheOutputFolder()
    {
        string folder = Path.Combine(_dir, "subs");
        var run = await Mm.RunAsync("transcribe", "--audio", Mm.Assets, "--srt", folder);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["speech-en-turn-on-the-blue-light.srt", "speech-es-cierra-la-puerta.srt"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("cierra la puerta", Assert.Single(Parse(File.ReadAllText(Path.Combine(folder, "speech-es-cierra-la-puerta.srt")), vtt: false)).Text);
    }

    // A strict reader of the two formats: SRT numbered cues from 1; WebVTT header then cues; blank-line separated.
    private static List<(double Start, double End, string Text)> Parse(string text, bool vtt)
    {
        var blocks = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries).ToList();
        if (vtt)
        {
            Assert.Equal("WEBVTT", blocks[0]);
            blocks.RemoveAt(0);
        }

        var cues = new List<(double, double, string)>();
        foreach (var block in blocks)
        {
            var lines = block.Split('\n');
            if (!vtt)
            {
                Assert.Equal((cues.Count + 1).ToString(CultureInfo.InvariantCulture), lines[0]);
                lines = lines[1..];
            }

            var match = TimeLine().Match(lines[0]);
            Assert.True(match.Success, $"not a cue time line: '{lines[0]}'");
            Assert.Equal(vtt ? '.' : ',', lines[0][8]);
            double Seconds(int g) => int.Parse(match.Groups[g].Value, CultureInfo.InvariantCulture) * 3600 + int.Parse(match.Groups[g + 1].Value, CultureInfo.InvariantCulture) * 60
                + int.Parse(match.Groups[g + 2].Value, CultureInfo.InvariantCulture) + int.Parse(match.Groups[g + 3].Value, CultureInfo.InvariantCulture) / 1000.0;
            cues.Add((Seconds(1), Seconds(5), string.Join('\n', lines[1..])));
        }

        return cues;
    }
}

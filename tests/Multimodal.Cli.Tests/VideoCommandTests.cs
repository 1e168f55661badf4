using System.Diagnostics;

namespace Multimodal.Cli.Tests;

/// <summary><c>mm video classify | describe | ask | find</c> JSON shapes, and <c>mm transcribe</c> on an MP4 with audio, on clips ffmpeg makes here.</summary>
public sealed class VideoCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-video-").FullName;

    public VideoCommandTests()
    {
        // 2 s at 8 fps: a red square on white that appears after 1 s, and a bundled speech clip as the audio track.
        Ffmpeg("-f", "lavfi", "-i", "color=c=white:s=96x96:r=8:d=2", "-i", Mm.Asset("speech-en-turn-on-the-blue-light.wav"),
            "-vf", "drawbox=x=30:y=30:w=24:h=24:color=red:t=fill:enable='gte(t,1)'", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", Clip);
    }

    private string Clip => Path.Combine(_dir, "clip.mp4");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ClassifyPrintsLabelsWithScoresPerVideo()
    {
        var run = await Mm.RunAsync("video", "classify", "--video", Clip, "--labels", "red square,blue circle", "--frames", "4", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        var row = Assert.Single(run.Results);
        Assert.Equal(["video", "labels"], Mm.Keys(row));
        Assert.Equal(Clip, row.GetProperty("video").GetString());
        Assert.All(row.GetProperty("labels").EnumerateArray(), l => Assert.Equal(["label", "score"], Mm.Keys(l)));
        Assert.Equal(2, row.GetProperty("labels").GetArrayLength());
    }

    [Fact]
    public async Task DescribePrintsADescriptionAndTimedFrames()
    {
        var run = await Mm.RunAsync("video", "describe", "--video", Clip, "--every", "0.5", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        var row = Assert.Single(run.Results);
        Assert.Equal(["video", "description", "frames"], Mm.Keys(row));
        var frames = row.GetProperty("frames").EnumerateArray().ToList();
        Assert.NotEmpty(frames);
        Assert.All(frames, f => Assert.Equal(["time", "caption"], Mm.Keys(f)));
        Assert.Equal(0, frames[0].GetProperty("time").GetDouble());
    }

    [Fact]
    public async Task AskPrintsOneRowPerVideoAndQuestion()
    {
        var run = await Mm.RunAsync("video", "ask", "--video", Clip, "--question", "what appears?", "how many shapes are there?", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(2, run.Results.Length);
        Assert.All(run.Results, r => Assert.Equal(["video", "question", "answer"], Mm.Keys(r)));
        Assert.Equal("how many shapes are there?", run.Results[1].GetProperty("question").GetString());

        // "what appears?" asks for the object (the chat model's answer), not for the time moment search gives
        // "when does ... appear?": a red square appears at 1 s in this clip
        Assert.Equal("red square", run.Results[0].GetProperty("answer").GetString());
    }

    [Fact]
    public async Task AskAnswersWhenSomethingAppearsWithTheEventTimeInSeconds()
    {
        var run = await Mm.RunAsync("video", "ask", "--video", Clip, "--question", "how many shapes are there?", "when does the red square appear?", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["how many shapes are there?", "when does the red square appear?"], run.Results.Select(r => r.GetProperty("question").GetString()));
        string answer = run.Results[1].GetProperty("answer").GetString()!;
        Assert.True(double.TryParse(answer, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double seconds), answer);
        Assert.InRange(seconds, 0.75, 1.25);
    }

    [Fact]
    public async Task FindAnswersWhenSomethingDisappearsWithAMomentStartingAtTheEvent()
    {
        string gone = Path.Combine(_dir, "gone.mp4");
        Ffmpeg("-f", "lavfi", "-i", "color=c=white:s=96x96:r=8:d=2", "-vf", "drawbox=x=30:y=30:w=24:h=24:color=red:t=fill:enable='lt(t,1.25)'", "-pix_fmt", "yuv420p", gone);
        var run = await Mm.RunAsync("video", "find", "--video", gone, "--text", "when does the red square disappear?", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        var best = Assert.Single(run.Results).GetProperty("moments")[0];
        Assert.InRange(best.GetProperty("start").GetDouble(), 1.0, 1.5);
        Assert.InRange(best.GetProperty("end").GetDouble() - best.GetProperty("start").GetDouble(), 0.1, 0.15);
    }

    [Fact]
    public async Task FindPrintsMomentsWithStartEndAndScore()
    {
        var run = await Mm.RunAsync("video", "find", "--video", Clip, "--text", "when does the red square appear?", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        var row = Assert.Single(run.Results);
        Assert.Equal(["video", "query", "moments"], Mm.Keys(row));
        var moments = row.GetProperty("moments").EnumerateArray().ToList();
        Assert.NotEmpty(moments);
        Assert.All(moments, m => Assert.Equal(["start", "end", "score"], Mm.Keys(m)));
    }

    [Fact]
    public async Task RankedFindPrintsTheMomentsOfAllVideosTogetherAndAnIndexKeepsThem()
    {
        // A second clip: a blue circle throughout, no red square.
        string other = Path.Combine(_dir, "other.mp4");
        Ffmpeg("-f", "lavfi", "-i", "color=c=white:s=96x96:r=8:d=2", "-vf", "drawbox=x=30:y=30:w=24:h=24:color=blue:t=fill", "-pix_fmt", "yuv420p", other);
        var run = await Mm.RunAsync("video", "find", "--video", _dir, "--text", "when does the red square appear?", "--ranked", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        var result = Assert.Single(run.Results);
        Assert.Equal(["query", "moments"], Mm.Keys(result));
        var moments = result.GetProperty("moments").EnumerateArray().ToList();
        Assert.All(moments, m => Assert.Equal(["video", "start", "end", "score"], Mm.Keys(m)));
        Assert.Equal(Path.GetFullPath(Clip), moments[0].GetProperty("video").GetString());
        Assert.Equal(1.0, moments[0].GetProperty("start").GetDouble(), 0.25);
        Assert.Contains(moments, m => m.GetProperty("video").GetString() == Path.GetFullPath(other));

        // Kept in an index folder: a later run searches it without --video.
        string index = Path.Combine(Path.GetTempPath(), $"mm-video-index-{Guid.NewGuid():N}");
        try
        {
            Assert.Equal(0, (await Mm.RunAsync("video", "find", "--video", _dir, "--index", index, "--text", "red square", "--json")).ExitCode);
            var again = await Mm.RunAsync("video", "find", "--index", index, "--text", "when does the red square appear?", "--top", "1", "--json");
            Assert.True(again.ExitCode == 0, again.ToString());
            var best = Assert.Single(Assert.Single(again.Results).GetProperty("moments").EnumerateArray().ToList());
            Assert.Equal(Path.GetFullPath(Clip), best.GetProperty("video").GetString());
        }
        finally
        {
            if (Directory.Exists(index))
            {
                Directory.Delete(index, recursive: true);
            }
        }
    }

    [Fact]
    public async Task FramesAndEveryTogetherIsAUsageErrorAndABrokenVideoAnInputError()
    {
        var both = await Mm.RunAsync("video", "classify", "--video", Clip, "--labels", "a,b", "--frames", "2", "--every", "1");
        Assert.Equal(2, both.ExitCode);
        string broken = Path.Combine(_dir, "broken.mp4");
        await File.WriteAllBytesAsync(broken, [0, 0, 0, 1, 2, 3]);
        var bad = await Mm.RunAsync("video", "find", "--video", broken, Clip, "--text", "red square", "--json");
        Assert.Equal(3, bad.ExitCode);
        Assert.Equal(2, bad.Results.Length);
        Assert.Contains("broken.mp4", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TranscribeReadsTheAudioTrackOfAnMp4AndWritesSubtitles()
    {
        string srt = Path.Combine(_dir, "clip.srt");
        var run = await Mm.RunAsync("transcribe", "--audio", Clip, "--language", "en", "--srt", srt, "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("turn on the blue light", Assert.Single(run.Results).GetProperty("text").GetString()!.Trim().TrimEnd('.').ToLowerInvariant());
        Assert.Contains("-->", await File.ReadAllTextAsync(srt), StringComparison.Ordinal);
    }

    internal static void Ffmpeg(params string[] args)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in (string[])["-hide_banner", "-loglevel", "error", "-y", .. args])
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, stderr);
    }
}

using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace Multimodal.Cli.Tests;

/// <summary>The samples run as the README says (from the repository root) and print what they promise.</summary>
[Collection(nameof(SampleTests))]
public sealed class SampleTests
{
    [Fact]
    public async Task HelloWorldCaptionsAndClassifiesTheDefaultImage()
    {
        var lines = await RunSampleAsync("Sample1_HelloWorld", [], string.Empty);

        Assert.Equal(["caption: a large yellow cross", "label:   a yellow cross"], lines.Select(l => l.Split(" (")[0]));
    }

    [Fact]
    public async Task HostBuilderUsesBothKeyedClipModelsAfterWarmUp()
    {
        var output = await RunSampleAsync("Sample2_HostBuilder", [], string.Empty);

        // appsettings.json turns Multimodal.Sdk's logging up to Information: the warm-up log shows it was read and that
        // the hosted warm-up loaded both keyed CLIP models before the first request.
        Assert.Contains(output, l => l.StartsWith("Warmed up IClipEncoder 'fast'", StringComparison.Ordinal));
        Assert.Contains(output, l => l.StartsWith("Warmed up IClipEncoder 'accurate'", StringComparison.Ordinal));
        var lines = output.Where(l => !l.StartsWith("info:", StringComparison.Ordinal) && !l.StartsWith("Warmed up", StringComparison.Ordinal)).ToList();
        Assert.Equal("a large blue square | one", lines[0]);
        Assert.StartsWith("fast CLIP: blue square (", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("accurate CLIP: blue square (", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task VisionChatAnswersEachTurnWithTheImageInTheHistory()
    {
        // The second turn is one tiny-vlm (trained on single turns) still answers with the first in the history.
        string stdin = "/image samples/Multimodal.Cli/assets/large-blue-square.png\nhow many shapes are there?\nwhat color is the square?\n\nnever read\n";
        var lines = await RunSampleAsync("Sample3_VisionChat", [], stdin);

        Assert.Equal(["one", "blue"], lines);
    }

    [Fact]
    public async Task SubtitlesWritesOneCuePerUtteranceOfTheLongFile()
    {
        string srt = Path.Combine(Path.GetTempPath(), $"mm-sample4-{Guid.NewGuid():N}.srt");
        try
        {
            var lines = await RunSampleAsync("Sample4_Subtitles", ["tests/fixtures/vad/long_61s.wav", srt], string.Empty);

            Assert.StartsWith("tests/fixtures/vad/long_61s.wav: 61.", lines[0], StringComparison.Ordinal);
            Assert.StartsWith("17 subtitles (en) written to ", lines[1], StringComparison.Ordinal);
            var cues = File.ReadAllText(srt).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
            // The 17 labelled utterances of tests/fixtures/vad/labels.jsonl, in order, each cue within 0.2 s of its
            // utterance at both ends (measured with the bundled model: at most 0.134 s off). The words are the model's.
            var utterances = File.ReadLines(Path.Combine(Mm.RepoRoot, "tests", "fixtures", "vad", "labels.jsonl"))
                .Select(l => JsonDocument.Parse(l).RootElement)
                .Single(l => l.GetProperty("file").GetString() == "long_61s.wav")
                .GetProperty("segments").EnumerateArray().ToList();
            Assert.Equal(utterances.Count, cues.Length);
            for (int i = 0; i < cues.Length; i++)
            {
                var cue = cues[i].Split('\n');
                Assert.Equal((i + 1).ToString(CultureInfo.InvariantCulture), cue[0]);
                var times = cue[1].Split(" --> ").Select(t => TimeSpan.ParseExact(t, @"hh\:mm\:ss\,fff", CultureInfo.InvariantCulture).TotalSeconds).ToArray();
                Assert.InRange(times[0], utterances[i].GetProperty("start").GetDouble() - 0.2, utterances[i].GetProperty("start").GetDouble() + 0.2);
                Assert.InRange(times[1], utterances[i].GetProperty("end").GetDouble() - 0.2, utterances[i].GetProperty("end").GetDouble() + 0.2);
                Assert.False(string.IsNullOrWhiteSpace(cue[2]));
            }
        }
        finally
        {
            File.Delete(srt);
        }
    }

    [Theory]
    [InlineData("Sample1_HelloWorld", "samples/Multimodal.Cli/assets/large-blue-square.png|no/such/captioner")]
    [InlineData("Sample1_HelloWorld", "samples/Multimodal.Cli/assets/large-blue-square.png|models/tiny-captioner|no/such/clip")]
    [InlineData("Sample2_HostBuilder", "--Models:Vlm|no/such/vlm")]
    [InlineData("Sample3_VisionChat", "no/such/vlm")]
    [InlineData("Sample4_Subtitles", "tests/fixtures/vad/long_61s.wav|/tmp/mm-sample4-never-written.srt|no/such/whisper")]
    public async Task SamplesTakeTheirModelFoldersFromTheCommandLine(string assembly, string args)
    {
        // A folder that does not exist is the proof that the argument, not the bundled default, was used.
        var error = await Assert.ThrowsAnyAsync<Exception>(() => RunSampleAsync(assembly, args.Split('|'), string.Empty));

        var notFound = Assert.IsType<Multimodal.Sdk.ModelNotFoundException>(Innermost(error));
        Assert.Contains("no/such/", notFound.Message, StringComparison.Ordinal);
    }

    private static Exception Innermost(Exception ex) => ex is TargetInvocationException or AggregateException && ex.InnerException is { } inner ? Innermost(inner) : ex;

    // Samples write to the process console, so they run one at a time (this collection is not parallel) with the
    // console and the current folder swapped for the run.
    private static async Task<string[]> RunSampleAsync(string assembly, string[] args, string stdin)
    {
        var entry = Assembly.Load(assembly).EntryPoint!;
        var (oldIn, oldOut, oldError, oldDirectory) = (Console.In, Console.Out, Console.Error, Environment.CurrentDirectory);
        using var output = new StringWriter();
        try
        {
            Console.SetIn(new StringReader(stdin));
            Console.SetOut(output);
            Console.SetError(TextWriter.Null);
            Environment.CurrentDirectory = Mm.RepoRoot;
            var result = await Task.Run(() => entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [args]));
            if (result is Task task)
            {
                await task;
            }
        }
        finally
        {
            Console.SetIn(oldIn);
            Console.SetOut(oldOut);
            Console.SetError(oldError);
            Environment.CurrentDirectory = oldDirectory;
        }

        return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}

[CollectionDefinition(nameof(SampleTests), DisableParallelization = true)]
public sealed class SampleTestsCollection;

using System.Text.Json;

namespace Multimodal.Cli.Tests;

/// <summary>The <c>--json</c> shapes of issue 7 (docs/cli.md), on the bundled tiny models and sample assets.</summary>
public sealed class JsonShapeTests
{
    private static readonly string BlueSquare = Mm.Asset("large-blue-square.png");
    private static readonly string YellowCross = Mm.Asset("large-yellow-cross.png");

    [Fact]
    public async Task ClassifyGivesOneRowPerImageWithLabelsByDescendingScore()
    {
        var run = await Mm.RunAsync("classify", "--image", BlueSquare, YellowCross, "--labels", "red circle, blue square ,yellow cross", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["results"], Mm.Keys(run.Json));
        Assert.Equal([BlueSquare, YellowCross], run.Results.Select(r => r.GetProperty("image").GetString()));
        foreach (var row in run.Results)
        {
            Assert.Equal(["image", "labels"], Mm.Keys(row));
            var labels = row.GetProperty("labels").EnumerateArray().ToList();
            Assert.All(labels, l => Assert.Equal(["label", "score"], Mm.Keys(l)));
            Assert.Equal(["blue square", "red circle", "yellow cross"], labels.Select(l => l.GetProperty("label").GetString()).Order());
            var scores = labels.Select(l => l.GetProperty("score").GetDouble()).ToList();
            Assert.Equal(scores.OrderDescending(), scores);
            Assert.Equal(1.0, scores.Sum(), 3);
        }

        Assert.Equal("blue square", run.Results[0].GetProperty("labels")[0].GetProperty("label").GetString());
        Assert.Equal("yellow cross", run.Results[1].GetProperty("labels")[0].GetProperty("label").GetString());
        Assert.Empty(run.Error);
    }

    [Fact]
    public async Task EmbedGivesUnitVectorsForImagesAndForTexts()
    {
        var images = await Mm.RunAsync("embed", "--image", BlueSquare, YellowCross, "--json");
        var texts = await Mm.RunAsync("embed", "--text", "a photo of a blue square", "a photo of a red circle", "--json");

        foreach (var (run, inputs) in new[] { (images, new[] { BlueSquare, YellowCross }), (texts, new[] { "a photo of a blue square", "a photo of a red circle" }) })
        {
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal(inputs, run.Results.Select(r => r.GetProperty("input").GetString()));
            foreach (var row in run.Results)
            {
                Assert.Equal(["input", "embedding"], Mm.Keys(row));
                var vector = row.GetProperty("embedding").EnumerateArray().Select(v => v.GetDouble()).ToArray();
                Assert.True(vector.Length >= 16, $"{vector.Length} dimensions");
                Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => v * v)), 3);
            }
        }

        // The blue square's image is nearer its own description than the red circle's.
        double Dot(JsonElement a, JsonElement b) => a.GetProperty("embedding").EnumerateArray().Zip(b.GetProperty("embedding").EnumerateArray()).Sum(p => p.First.GetDouble() * p.Second.GetDouble());
        Assert.True(Dot(images.Results[0], texts.Results[0]) > Dot(images.Results[0], texts.Results[1]));
    }

    [Fact]
    public async Task CaptionListsTheRequestedNumberOfCaptionsPerImage()
    {
        var run = await Mm.RunAsync("caption", "--image", BlueSquare, YellowCross, "--beams", "3", "--num", "2", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(2, run.Results.Length);
        Assert.All(run.Results, r => Assert.Equal(["image", "captions"], Mm.Keys(r)));
        Assert.All(run.Results, r => Assert.Equal(2, r.GetProperty("captions").GetArrayLength()));
        Assert.Equal("a large blue square", run.Results[0].GetProperty("captions")[0].GetString());
    }

    [Fact]
    public async Task AskGivesOneFlatRowPerImageAndQuestion()
    {
        var run = await Mm.RunAsync("ask", "--image", BlueSquare, YellowCross, "--question", "how many shapes are there?", "--question", "is there a blue square?", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(4, run.Results.Length);
        Assert.All(run.Results, r => Assert.Equal(["image", "question", "answer"], Mm.Keys(r)));
        Assert.Equal(
            [(BlueSquare, "how many shapes are there?"), (BlueSquare, "is there a blue square?"), (YellowCross, "how many shapes are there?"), (YellowCross, "is there a blue square?")],
            run.Results.Select(r => (r.GetProperty("image").GetString(), r.GetProperty("question").GetString())));
        Assert.Equal("one", run.Results[0].GetProperty("answer").GetString());
        Assert.Equal("yes", run.Results[1].GetProperty("answer").GetString());
    }

    [Fact]
    public async Task TranscribeGivesLanguageTextAndTimedSegmentsPerClip()
    {
        string spanish = Mm.Asset("speech-es-cierra-la-puerta.wav");
        string english = Mm.Asset("speech-en-turn-on-the-blue-light.wav");
        var run = await Mm.RunAsync("transcribe", "--audio", Mm.Assets, "--timestamps", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal([english, spanish], run.Results.Select(r => r.GetProperty("audio").GetString()));
        Assert.All(run.Results, r => Assert.Equal(["audio", "language", "text", "segments"], Mm.Keys(r)));
        Assert.Equal("en", run.Results[0].GetProperty("language").GetString());
        Assert.Equal("es", run.Results[1].GetProperty("language").GetString());
        Assert.Equal("cierra la puerta", run.Results[1].GetProperty("text").GetString());
        foreach (var row in run.Results)
        {
            var segments = row.GetProperty("segments").EnumerateArray().ToList();
            Assert.NotEmpty(segments);
            Assert.All(segments, s => Assert.Equal(["start", "end", "text"], Mm.Keys(s)));
            Assert.All(segments, s => Assert.True(s.GetProperty("start").GetDouble() < s.GetProperty("end").GetDouble()));
            Assert.Equal(row.GetProperty("text").GetString(), string.Concat(segments.Select(s => s.GetProperty("text").GetString())).Trim());
        }
    }

    [Fact]
    public async Task HumanOutputIsATableAndNotJson()
    {
        var run = await Mm.RunAsync("classify", "--image", BlueSquare, "--labels", "blue square,red circle");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("top labels", run.Out, StringComparison.Ordinal);
        Assert.Contains(BlueSquare, run.Out, StringComparison.Ordinal);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(run.Out));
    }
}

using System.Text.Json;

namespace Multimodal.Cli.Tests;

/// <summary><c>mm index add | info | remove</c>, <c>mm search</c> and <c>mm filter</c> on the bundled tiny CLIP and sample assets.</summary>
public sealed class RetrievalCommandTests : IDisposable
{
    private static readonly string BlueSquare = Mm.Asset("large-blue-square.png");
    private static readonly string YellowCross = Mm.Asset("large-yellow-cross.png");
    private static readonly string BlueCircle = Mm.Asset("small-blue-circle.jpg");
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "mm-retrieval-cli", Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task IndexThenSearchPrintsTheDocumentedJsonAndFindsTheMatchingImage()
    {
        string index = Path.Combine(_dir, "index");
        var add = await Mm.RunAsync("index", "add", "--index", index, "--image", BlueSquare, YellowCross, BlueCircle, "--json");
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.All(add.Results, r => Assert.Equal("added", r.GetProperty("status").GetString()));
        var texts = await Mm.RunAsync("index", "add", "--index", index, "--text", "a large yellow cross", "a small blue circle");
        Assert.True(texts.ExitCode == 0, texts.ToString());

        // The same image again is not stored twice.
        var again = await Mm.RunAsync("index", "add", "--index", index, "--image", BlueSquare, "--json");
        Assert.Equal("unchanged", again.Results[0].GetProperty("status").GetString());

        var search = await Mm.RunAsync("search", "--index", index, "--text", "a photo of a yellow cross", "a large blue square", "--top", "2", "--modality", "image", "--json");
        Assert.True(search.ExitCode == 0, search.ToString());
        Assert.Equal(["results"], Mm.Keys(search.Json));
        Assert.Equal(["a photo of a yellow cross", "a large blue square"], search.Results.Select(r => r.GetProperty("query").GetString()));
        foreach (var result in search.Results)
        {
            Assert.Equal(["query", "hits"], Mm.Keys(result));
            var hits = result.GetProperty("hits").EnumerateArray().ToList();
            Assert.Equal(2, hits.Count);
            Assert.All(hits, h => Assert.Equal(["id", "modality", "source", "score"], Mm.Keys(h)));
            Assert.All(hits, h => Assert.Equal("image", h.GetProperty("modality").GetString()));
            Assert.True(hits[0].GetProperty("score").GetDouble() >= hits[1].GetProperty("score").GetDouble());
        }

        Assert.Equal(YellowCross, search.Results[0].GetProperty("hits")[0].GetProperty("source").GetString());
        Assert.Equal(BlueSquare, search.Results[1].GetProperty("hits")[0].GetProperty("source").GetString());

        // Image to text: the source of a text hit is the text.
        var byImage = await Mm.RunAsync("search", "--index", index, "--image", YellowCross, "--modality", "text", "--top", "1", "--json");
        Assert.Equal("a large yellow cross", byImage.Results[0].GetProperty("hits")[0].GetProperty("source").GetString());

        var info = await Mm.RunAsync("index", "info", "--index", index, "--json");
        Assert.Equal(5, info.Json.GetProperty("count").GetInt32());
        string id = search.Results[0].GetProperty("hits")[0].GetProperty("id").GetString()!;
        var remove = await Mm.RunAsync("index", "remove", "--index", index, "--id", id);
        Assert.True(remove.ExitCode == 0, remove.ToString());
        var after = await Mm.RunAsync("index", "info", "--index", index, "--json");
        Assert.Equal(4, after.Json.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task SearchingAFolderThatIsNotAnIndexIsAnInputError()
    {
        var run = await Mm.RunAsync("search", "--index", _dir, "--text", "x");
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("not an index folder", run.Error, StringComparison.Ordinal);
        var usage = await Mm.RunAsync("index", "add", "--index", _dir);
        Assert.Equal(2, usage.ExitCode);
    }

    [Fact]
    public async Task FilterKeepsMatchingPairsAndWritesTheRejectedWithTheirScores()
    {
        string pairs = Path.Combine(_dir, "pairs.jsonl");
        File.WriteAllLines(pairs,
        [
            JsonSerializer.Serialize(new { image = BlueSquare, text = "a large blue square", n = 1 }),
            JsonSerializer.Serialize(new { image = YellowCross, text = "a small red circle", n = 2 }),
            JsonSerializer.Serialize(new { image = YellowCross, text = "a large yellow cross", n = 3 }),
        ]);
        string kept = Path.Combine(_dir, "kept.jsonl");

        // The threshold sits between the matching and the mismatched pair's scores, as the unfiltered run shows them.
        var all = await Mm.RunAsync("filter", "--pairs", pairs, "--threshold", "-1", "--out", kept);
        Assert.True(all.ExitCode == 0, all.ToString());
        var scores = File.ReadAllLines(kept).Select(l => JsonDocument.Parse(l).RootElement).ToDictionary(e => e.GetProperty("n").GetInt32(), e => e.GetProperty("clip_score").GetDouble());
        Assert.True(scores[2] < Math.Min(scores[1], scores[3]), $"mismatch {scores[2]} vs {scores[1]}, {scores[3]}");
        double threshold = (scores[2] + Math.Min(scores[1], scores[3])) / 2;

        var run = await Mm.RunAsync("filter", "--pairs", pairs, "--threshold", threshold.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "--out", kept);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal([1, 3], File.ReadAllLines(kept).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("n").GetInt32()));
        var rejected = File.ReadAllLines(Path.Combine(_dir, "kept.rejected.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, Assert.Single(rejected).GetProperty("n").GetInt32());
        Assert.Equal(scores[2], rejected[0].GetProperty("clip_score").GetDouble(), 5);
        Assert.Contains("kept 2 of 3", run.Error, StringComparison.Ordinal);
    }
}

using Multimodal.Sdk.Retrieval.Postgres.Tests;

namespace Multimodal.Cli.Tests;

/// <summary><c>mm index add | info | remove</c> and <c>mm search</c> with <c>--store</c>: PostgreSQL (PGlite) instead of a folder.</summary>
[Collection(PostgresCollection.Name)]
public sealed class RetrievalStoreCommandTests(PgliteServer server)
{
    private static readonly string BlueSquare = Mm.Asset("large-blue-square.png");
    private static readonly string YellowCross = Mm.Asset("large-yellow-cross.png");

    [Fact]
    public async Task IndexAndSearchRunOnAPostgresStoreNamedByUri()
    {
        var b = new Npgsql.NpgsqlConnectionStringBuilder(server.ConnectionString);
        string table = "cli_" + Guid.NewGuid().ToString("N")[..12];
        string store = server.IsPglite ? $"postgres://postgres:postgres@{b.Host}:{b.Port}/postgres?table={table}" : server.ConnectionString;

        var add = await Mm.RunAsync("index", "add", "--store", store, "--image", BlueSquare, YellowCross, "--json");
        Assert.True(add.ExitCode == 0, add.ToString());
        var texts = await Mm.RunAsync("index", "add", "--store", store, "--text", "a large yellow cross");
        Assert.True(texts.ExitCode == 0, texts.ToString());
        var again = await Mm.RunAsync("index", "add", "--store", store, "--image", BlueSquare, "--json");
        Assert.Equal("unchanged", again.Results[0].GetProperty("status").GetString());

        var search = await Mm.RunAsync("search", "--store", store, "--text", "a photo of a yellow cross", "--modality", "image", "--top", "2", "--json");
        Assert.True(search.ExitCode == 0, search.ToString());
        Assert.Equal(YellowCross, search.Results[0].GetProperty("hits")[0].GetProperty("source").GetString());

        var info = await Mm.RunAsync("index", "info", "--store", store, "--json");
        Assert.True(info.ExitCode == 0, info.ToString());
        Assert.Equal(3, info.Json.GetProperty("count").GetInt32());
        Assert.StartsWith("postgres://", info.Json.GetProperty("index").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("postgres:postgres@", info.Out, StringComparison.Ordinal);

        string id = add.Results[0].GetProperty("id").GetString()!;
        var remove = await Mm.RunAsync("index", "remove", "--store", store, "--id", id);
        Assert.True(remove.ExitCode == 0, remove.ToString());
        var after = await Mm.RunAsync("index", "info", "--store", store, "--json");
        Assert.Equal(2, after.Json.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task VideoFindKeepsFramesInAPostgresStoreAndSearchesThemLater()
    {
        var b = new Npgsql.NpgsqlConnectionStringBuilder(server.ConnectionString);
        string table = "cli_video_" + Guid.NewGuid().ToString("N")[..12];
        string store = server.IsPglite ? $"postgres://postgres:postgres@{b.Host}:{b.Port}/postgres?table={table}" : server.ConnectionString;
        string dir = Directory.CreateTempSubdirectory("mm-video-store-").FullName;
        try
        {
            // 2 s at 8 fps: a red square on white that appears after 1 s.
            string clip = Path.Combine(dir, "clip.mp4");
            VideoCommandTests.Ffmpeg("-f", "lavfi", "-i", "color=c=white:s=96x96:r=8:d=2", "-vf", "drawbox=x=30:y=30:w=24:h=24:color=red:t=fill:enable='gte(t,1)'", "-pix_fmt", "yuv420p", clip);

            var add = await Mm.RunAsync("video", "find", "--video", clip, "--store", store, "--text", "red square", "--json");
            Assert.True(add.ExitCode == 0, add.ToString());
            var again = await Mm.RunAsync("video", "find", "--store", store, "--text", "when does the red square appear?", "--top", "1", "--json");
            Assert.True(again.ExitCode == 0, again.ToString());
            var best = Assert.Single(Assert.Single(again.Results).GetProperty("moments").EnumerateArray().ToList());
            Assert.Equal(clip, best.GetProperty("video").GetString());
            Assert.Equal(1.0, best.GetProperty("start").GetDouble(), 0.25);
            var info = await Mm.RunAsync("index", "info", "--store", store, "--json");
            Assert.Equal(16, info.Json.GetProperty("count").GetInt32());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task IndexAndStoreTogetherOrNeitherIsAUsageError()
    {
        var neither = await Mm.RunAsync("search", "--text", "x");
        var both = await Mm.RunAsync("search", "--index", "somewhere", "--store", "postgres://h/db", "--text", "x");

        Assert.Equal(2, neither.ExitCode);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("--store", both.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableServerIsAnInputErrorNamingItWithoutThePassword()
    {
        var run = await Mm.RunAsync("index", "info", "--store", "postgres://mm:topsecret@127.0.0.1:1/photos?table=t&timeout=2", "--json");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("postgres://127.0.0.1:1/photos#t", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("topsecret", run.Error, StringComparison.Ordinal);
    }
}

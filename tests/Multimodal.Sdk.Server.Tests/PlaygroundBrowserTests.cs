using System.Text.Json.Nodes;

namespace Multimodal.Sdk.Server.Tests;

/// <summary>
/// The playground in a real browser: Debian's headless Chromium driven by playwright-core. Upload an image and see its
/// caption, upload a WAV and see its transcript. Screenshots go to a temporary folder, or to MM_SCREENSHOTS (docs/images
/// when the docs are refreshed).
/// </summary>
[Collection(RealServerCollection.Name)]
public class PlaygroundBrowserTests(RealServer server)
{
    [Fact]
    public async Task UploadingAnImageShowsItsCaptionAndAWavItsTranscript()
    {
        Assert.True(File.Exists(Environment.GetEnvironmentVariable("CHROMIUM") ?? "/usr/bin/chromium"), "Chromium is missing: run tools/fetch-test-assets.sh (apt-get install chromium)");
        string shots = Environment.GetEnvironmentVariable("MM_SCREENSHOTS") ?? Directory.CreateTempSubdirectory("mm-playground-").FullName;
        string stdout = await RealServer.RunNodeAsync("playground.mjs", server.BaseAddress.ToString().TrimEnd('/'),
            RepoPaths.Asset("large-blue-square.png"), RepoPaths.Asset("speech-en-turn-on-the-blue-light.wav"), shots);
        var page = JsonNode.Parse(stdout)!;
        Assert.Equal("a large blue square", (string?)page["caption"]);
        Assert.Equal("blue square", (string?)page["topLabel"]);
        Assert.Equal("blue", (string?)page["answer"]);
        Assert.Equal("turn on the blue light", (string?)page["transcript"]);
        Assert.Contains("--> 00:00:01", (string?)page["subtitles"], StringComparison.Ordinal);
        Assert.Equal("large-yellow-cross.png", (string?)page["searchTop"]);
        Assert.Empty(page["errors"]!.AsArray());
        Assert.True(new FileInfo(Path.Combine(shots, "server-playground-image.png")).Length > 10_000);
        Assert.True(new FileInfo(Path.Combine(shots, "server-playground-audio.png")).Length > 10_000);
    }
}

using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Multimodal.Sdk.Server.Tests;

/// <summary><c>POST /search</c> over a real Multimodal.Sdk.Retrieval folder index when no <see cref="IServerSearchIndex"/> is registered.</summary>
public sealed class RetrievalSearchTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mm-server-search-" + Guid.NewGuid().ToString("N"));
    private FakeServer _server = null!;

    public async Task InitializeAsync()
    {
        // The fake CLIP embeds every image as [1, 0, 0, 0] and a text of length n as [0, n, 0, 0.5].
        using (var store = EmbeddedRetrievalStore.Open(_folder, new EmbeddedRetrievalStoreOptions { Dimension = 4 }))
        {
            await store.UpsertAsync(
            [
                new RetrievalRecord("photo-1", RetrievalModality.Image, "photos/cat.png", "h1", new float[] { 1, 0, 0, 0 }, JsonDocument.Parse("""{"album":"pets"}""").RootElement),
                new RetrievalRecord("note-1", RetrievalModality.Text, "a note", "h2", new float[] { 0, 1, 0, 0 }),
                new RetrievalRecord("clip-1", RetrievalModality.Audio, "talk.wav", "h3", new float[] { 0, 0, 1, 0 }),
            ]);
        }

        _server = await FakeServer.StartAsync(build: b => b.Services.AddMultimodal().AddRetrievalIndex(_folder, o => o.ReadOnly = true));
        await _server.WaitReadyAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task SearchRanksTheRegisteredRetrievalIndexWithModalitySourceAndMetadata()
    {
        var image = await Http.JsonAsync(await _server.PostJsonAsync("/search", $$$"""{"query":"{{{Http.PngDataUri}}}","top_k":2}"""));
        var hits = image["results"]!.AsArray();
        Assert.Equal(2, hits.Count);
        Assert.Equal("photo-1", (string?)hits[0]!["id"]);
        Assert.Equal(1f, (float)hits[0]!["score"]!, 4);
        Assert.Equal("image", (string?)hits[0]!["metadata"]!["modality"]);
        Assert.Equal("photos/cat.png", (string?)hits[0]!["metadata"]!["source"]);
        Assert.Equal("pets", (string?)hits[0]!["metadata"]!["album"]);

        var text = await Http.JsonAsync(await _server.PostJsonAsync("/search", """{"query":"abc","top_k":1}"""));
        Assert.Equal("note-1", (string?)text["results"]![0]!["id"]);
        Assert.Equal("a note", (string?)text["results"]![0]!["metadata"]!["source"]);
    }
}

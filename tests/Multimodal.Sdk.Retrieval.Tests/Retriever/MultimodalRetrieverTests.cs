using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Multimodal.Sdk.Retrieval.Tests.Retriever;

public sealed class MultimodalRetrieverTests
{
    private static byte[] FakeImage(string name) => Encoding.UTF8.GetBytes($"not really a png: {name}");

    [Fact]
    public async Task IngestEmbedsEachItemOnceInBatchesAndSameContentIsNotDuplicated()
    {
        var encoder = new CountingEncoder();
        using var store = EmbeddedRetrievalStore.CreateInMemory();
        var retriever = new MultimodalRetriever(encoder, store, options: new MultimodalRetrieverOptions { BatchSize = 4 });
        var texts = Enumerable.Range(0, 10).Select(i => $"text {i}").ToList();
        var first = await retriever.AddTextsAsync(texts);
        Assert.All(first, r => Assert.Equal(RetrievalAddStatus.Added, r.Status));
        Assert.Equal(10, encoder.ItemsEmbedded);
        Assert.Equal(3, encoder.Calls);

        // The same texts again, plus one duplicate inside the call: nothing is embedded, nothing is stored twice.
        var again = await retriever.AddTextsAsync([.. texts, "text 3", "new"]);
        Assert.Equal(11, encoder.ItemsEmbedded);
        Assert.Equal(first.Select(r => r.Id), again.Take(10).Select(r => r.Id));
        Assert.All(again.Take(11), r => Assert.Equal(RetrievalAddStatus.Unchanged, r.Status));
        Assert.Equal(first[3].Id, again[10].Id);
        Assert.Equal(11, await store.CountAsync());
    }

    [Fact]
    public async Task SearchByTextImageAndEmbeddingFindsTheMatchingItemFirst()
    {
        var encoder = new CountingEncoder();
        using var folder = TestPaths.NewFolder();
        string png = Path.Combine(folder.Path, "cat.png");
        File.WriteAllBytes(png, FakeImage("cat"));
        using var store = EmbeddedRetrievalStore.CreateInMemory();
        var retriever = new MultimodalRetriever(encoder, store);
        await retriever.AddAsync([
            RetrievalItem.FromImageFile(png, id: "cat"),
            RetrievalItem.FromImageStream(new MemoryStream(FakeImage("dog")), "dog.png", id: "dog"),
            RetrievalItem.FromText("a red circle", id: "circle"),
        ]);

        var byText = await retriever.SearchAsync("a red circle");
        Assert.Equal(("circle", "a red circle", RetrievalModality.Text), (byText[0].Record.Id, byText[0].Record.Source, byText[0].Record.Modality));
        Assert.Equal(1f, byText[0].Score, 4);

        var byImage = await retriever.SearchAsync(ImageData.FromBytes(FakeImage("dog")));
        Assert.Equal(("dog", "dog.png"), (byImage[0].Record.Id, byImage[0].Record.Source));

        var byEmbedding = await retriever.SearchAsync(CountingEncoder.Vector(File.ReadAllBytes(png)), new RetrievalSearchOptions { Top = 2 });
        Assert.Equal(2, byEmbedding.Count);
        Assert.Equal(("cat", png), (byEmbedding[0].Record.Id, byEmbedding[0].Record.Source));

        var onlyImages = await retriever.SearchAsync("a red circle", new RetrievalSearchOptions { Modality = RetrievalModality.Image });
        Assert.Equal(["cat", "dog"], onlyImages.Select(h => h.Record.Id).Order());
    }

    [Fact]
    public async Task UpdateByIdReplacesContentAndMetadataAndDeleteRemoves()
    {
        var encoder = new CountingEncoder();
        using var store = EmbeddedRetrievalStore.CreateInMemory();
        var retriever = new MultimodalRetriever(encoder, store);
        var meta = JsonDocument.Parse("""{"album":"summer"}""").RootElement;
        Assert.Equal(RetrievalAddStatus.Added, (await retriever.AddAsync(RetrievalItem.FromText("old text", id: "x", metadata: meta))).Status);

        // Same content, new metadata: the record is rewritten without embedding again.
        var moved = JsonDocument.Parse("""{"album":"winter"}""").RootElement;
        Assert.Equal(RetrievalAddStatus.Updated, (await retriever.AddAsync(RetrievalItem.FromText("old text", id: "x", metadata: moved))).Status);
        Assert.Equal(1, encoder.ItemsEmbedded);
        Assert.Single(await retriever.SearchAsync("old text", new RetrievalSearchOptions { MetadataEquals = { ["album"] = "winter" } }));
        Assert.Empty(await retriever.SearchAsync("old text", new RetrievalSearchOptions { MetadataEquals = { ["album"] = "summer" } }));

        var updated = await retriever.UpdateAsync("x", RetrievalItem.FromText("new text"));
        Assert.Equal(RetrievalAddStatus.Updated, updated.Status);
        Assert.Equal("new text", (await store.GetAsync("x"))!.Source);
        Assert.Equal(1, await store.CountAsync());

        Assert.Equal(1, await retriever.DeleteAsync(["x"]));
        Assert.Equal(0, await store.CountAsync());
    }

    [Fact]
    public async Task FolderIngestReportsProgressAndTranscribesAudio()
    {
        using var folder = TestPaths.NewFolder();
        Directory.CreateDirectory(Path.Combine(folder.Path, "sub"));
        File.WriteAllBytes(Path.Combine(folder.Path, "a.png"), FakeImage("a"));
        File.WriteAllBytes(Path.Combine(folder.Path, "sub", "b.jpg"), FakeImage("b"));
        File.WriteAllText(Path.Combine(folder.Path, "note.txt"), "a note about shapes");
        File.WriteAllText(Path.Combine(folder.Path, "skip.bin"), "ignored");
        File.WriteAllBytes(Path.Combine(folder.Path, "talk.wav"), Wav(new float[1600], 16000));

        var encoder = new CountingEncoder();
        var recognizer = new FakeRecognizer();
        using var store = EmbeddedRetrievalStore.CreateInMemory();
        var retriever = new MultimodalRetriever(encoder, store, recognizer);
        var progress = new List<RetrievalProgress>();
        var results = await retriever.AddFolderAsync(folder.Path, new SyncProgress(progress));

        Assert.Equal(4, results.Count);
        Assert.Equal([1, 2, 3, 4], progress.Select(p => p.Completed));
        Assert.All(progress, p => Assert.Equal(4, p.Total));
        Assert.Equal(1, recognizer.Calls);
        var audio = await retriever.SearchAsync("audio of 1600 samples", new RetrievalSearchOptions { Top = 1 });
        Assert.Equal((RetrievalModality.Audio, Path.Combine(folder.Path, "talk.wav")), (audio[0].Record.Modality, audio[0].Record.Source));
        var note = await retriever.SearchAsync("a note about shapes", new RetrievalSearchOptions { Top = 1 });
        Assert.Equal(Path.Combine(folder.Path, "note.txt"), note[0].Record.Source);
    }

    [Fact]
    public async Task AudioWithoutARecognizerFailsWithAClearMessage()
    {
        using var store = EmbeddedRetrievalStore.CreateInMemory();
        var retriever = new MultimodalRetriever(new CountingEncoder(), store);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => retriever.AddAsync(RetrievalItem.FromAudio(new AudioData(new float[10], 16000), "clip")));
        Assert.Contains("ISpeechRecognizer", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InputDecodeException>(() => new MultimodalRetriever(new CountingEncoder(), store, new FakeRecognizer())
            .AddAsync(RetrievalItem.FromAudioStream(new MemoryStream([1, 2, 3]), "junk.mp3")));
    }

    [Fact]
    public async Task DependencyInjectionComposesTheIndexAndTheRetriever()
    {
        using var folder = TestPaths.NewFolder();
        var services = new ServiceCollection();
        services.AddSingleton<IClipEncoder>(new CountingEncoder());
        int calls = 0;
        services.AddMultimodal().AddRetrievalIndex(folder.Path).Use(inner => new CountingStore(inner, () => calls++)).AddRetriever(o => o.BatchSize = 2);
        await using (var provider = services.BuildServiceProvider())
        {
            var retriever = provider.GetRequiredService<MultimodalRetriever>();
            await retriever.AddTextsAsync(["one", "two", "three"]);
            Assert.Same(provider.GetRequiredService<IRetrievalStore>(), retriever.Store);
            Assert.IsType<CountingStore>(retriever.Store);
            Assert.Equal(2, calls);
        }

        using var reopened = EmbeddedRetrievalStore.Open(folder.Path, new EmbeddedRetrievalStoreOptions { ReadOnly = true });
        Assert.Equal(3, await reopened.CountAsync());
    }

    private static byte[] Wav(float[] samples, int rate)
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write("RIFF"u8);
        w.Write(36 + samples.Length * 2);
        w.Write("WAVEfmt "u8);
        w.Write(16);
        w.Write((short)1);
        w.Write((short)1);
        w.Write(rate);
        w.Write(rate * 2);
        w.Write((short)2);
        w.Write((short)16);
        w.Write("data"u8);
        w.Write(samples.Length * 2);
        foreach (var s in samples)
        {
            w.Write((short)(s * 32767));
        }

        return ms.ToArray();
    }

    /// <summary>Middleware through <c>Use</c>: counts upsert batches.</summary>
    private sealed class CountingStore(IRetrievalStore inner, Action onUpsert) : DelegatingRetrievalStore(inner)
    {
        public override Task UpsertAsync(IReadOnlyList<RetrievalRecord> records, CancellationToken cancellationToken = default)
        {
            onUpsert();
            return base.UpsertAsync(records, cancellationToken);
        }
    }

    private sealed class SyncProgress(List<RetrievalProgress> list) : IProgress<RetrievalProgress>
    {
        public void Report(RetrievalProgress value) => list.Add(value);
    }
}

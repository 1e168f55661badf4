using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace Multimodal.Sdk.Retrieval.Postgres.Tests.VectorData;

/// <summary>
/// Both stores through Microsoft.Extensions.VectorData (code written against VectorStore / VectorStoreCollection uses
/// them), and the retriever over a VectorData collection (VectorDataRetrievalStore).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class VectorDataTests(PgliteServer server)
{
    public static TheoryData<string> Stores() => ["embedded", "postgres"];

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task CodeWrittenAgainstVectorDataUpsertsGetsSearchesFiltersAndDeletes(string kind)
    {
        using VectorStore vectorStore = new RetrievalVectorStore(OpenStore(kind));
        var collection = vectorStore.GetCollection<string, RetrievalVectorRecord>("photos");
        await collection.EnsureCollectionExistsAsync();
        var records = PostgresRetrievalStoreTests.RandomRecords(60, seed: 21).Select(r => RetrievalVectorRecord.FromRecord(r)).ToList();

        await collection.UpsertAsync(records);

        var one = await collection.GetAsync("r7", new RecordRetrievalOptions { IncludeVectors = true });
        Assert.Equal("/data/r7", one!.Source);
        Assert.Equal("text", one.Modality);
        Assert.Equal(16, one.Embedding.Length);
        Assert.True((await collection.GetAsync("r7"))!.Embedding.IsEmpty, "vectors are left out unless asked for");

        var query = PostgresRetrievalStoreTests.RandomVector(new Random(3));
        var hits = await collection.SearchAsync(query, top: 5).ToListAsync();
        var expected = PostgresRetrievalStoreTests.BruteForce(records.Select(r => r.ToRecord()), query, 5);
        Assert.Equal(expected.Select(e => e.Id), hits.Select(h => h.Record.Id));
        Assert.Equal(expected[0].Score, (float)hits[0].Score!.Value, 4);

        var images = await collection.SearchAsync(new Embedding<float>(query), top: 5, new VectorSearchOptions<RetrievalVectorRecord> { Filter = r => r.Modality == "image", Skip = 1 }).ToListAsync();
        var expectedImages = PostgresRetrievalStoreTests.BruteForce(records.Select(r => r.ToRecord()).Where(r => r.Modality == RetrievalModality.Image), query, 6).Skip(1);
        Assert.Equal(expectedImages.Select(e => e.Id), images.Select(h => h.Record.Id));

        string hash = records[11].ContentHash;
        var byHash = await collection.GetAsync(r => r.ContentHash == hash, 10).ToListAsync();
        Assert.Equal("r11", Assert.Single(byHash).Id);

        await collection.DeleteAsync(["r7", "r11"]);
        Assert.Null(await collection.GetAsync("r7"));
        Assert.Empty(await collection.GetAsync(r => r.ContentHash == hash, 10).ToListAsync());
        Assert.Equal(["photos"], await vectorStore.ListCollectionNamesAsync().ToListAsync());
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task TheRetrieverRunsOverAVectorDataCollection(string kind)
    {
        var encoder = new TextHashEncoder();
        using var collection = new RetrievalVectorStoreCollection(OpenStore(kind)("texts"), ownsStore: true);
        using var store = new VectorDataRetrievalStore(collection);
        var retriever = new MultimodalRetriever(encoder, store);
        string[] texts = ["a red apple", "a yellow banana", "a green pear", "blue ocean waves"];

        var added = await retriever.AddTextsAsync(texts);
        var again = await retriever.AddTextsAsync(texts);

        Assert.All(added, r => Assert.Equal(RetrievalAddStatus.Added, r.Status));
        Assert.All(again, r => Assert.Equal(RetrievalAddStatus.Unchanged, r.Status));
        Assert.Equal(4, encoder.TextsEmbedded);
        Assert.Equal(4, await store.CountAsync());
        var hits = await retriever.SearchAsync("a green pear", new RetrievalSearchOptions { Top = 2, Modality = RetrievalModality.Text });
        Assert.Equal("a green pear", hits[0].Record.Source);
        Assert.Equal(1f, hits[0].Score, 4);
        Assert.Equal(1, await retriever.DeleteAsync([hits[0].Record.Id, "unknown"]));
        Assert.Equal(3, await store.CountAsync());
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task GettingManyIdsIsOneReadOfTheStoreThroughEveryAdapter(string kind)
    {
        var records = PostgresRetrievalStoreTests.RandomRecords(30, seed: 23);
        using var counting = new CountingRetrievalStore(OpenStore(kind)("many"));
        await counting.UpsertAsync(records);
        string[] ids = ["r4", "missing", "r29", "r4", "r0"];
        string[] found = ["r0", "r29", "r4"];

        // The store itself, VectorData code over it, and the retriever's view of that VectorData collection.
        Assert.Equal(found, (await ((IRetrievalStore)counting).GetAsync(ids)).Select(r => r.Id).Order(StringComparer.Ordinal));
        using var collection = new RetrievalVectorStoreCollection(counting);
        var viaVectorData = await collection.GetAsync(ids, new RecordRetrievalOptions { IncludeVectors = true }).ToListAsync();
        Assert.Equal(["r4", "r29", "r0"], viaVectorData.Select(r => r.Id));
        Assert.All(viaVectorData, r => Assert.Equal(16, r.Embedding.Length));
        using var adapter = new VectorDataRetrievalStore(collection);
        var viaAdapter = await adapter.GetAsync(ids);
        Assert.Equal(found, viaAdapter.Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.All(viaAdapter, r => Assert.Equal(1f, System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(records.Single(o => o.Id == r.Id).Embedding.Span, r.Embedding.Span), 5));
        Assert.Equal(3, counting.BatchGets);
        Assert.Equal(0, counting.SingleGets);

        // A store without a batch read of its own gets the interface's default: one read per distinct id, the same records.
        counting.Reset();
        IRetrievalStore legacy = new StoreWithoutBatchGet(counting);
        Assert.Equal(found, (await legacy.GetAsync(ids)).Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.Equal(4, counting.SingleGets);
        Assert.Equal(0, counting.BatchGets);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task MetadataFiltersOverAVectorDataCollectionWidenTheSearchUntilTheTopKIsComplete(string kind)
    {
        using var collection = new RetrievalVectorStoreCollection(OpenStore(kind)("meta"), ownsStore: true);
        using var store = new VectorDataRetrievalStore(collection);
        var records = PostgresRetrievalStoreTests.RandomRecords(400, seed: 22);
        await store.UpsertAsync(records);

        // group 3 is one record in ten: the first window of 32 holds about three.
        var options = new RetrievalSearchOptions { Top = 12 };
        options.MetadataEquals["group"] = "3";
        var query = PostgresRetrievalStoreTests.RandomVector(new Random(4));
        var hits = await store.SearchAsync(query, options);

        var expected = PostgresRetrievalStoreTests.BruteForce(records.Where(r => r.Metadata!.Value.GetProperty("group").GetInt32() == 3), query, 12);
        Assert.Equal(expected.Select(e => e.Id), hits.Select(h => h.Record.Id));
    }

    [Fact]
    public async Task FiltersBeyondEqualitiesSayWhatIsSupported()
    {
        using var collection = new RetrievalVectorStoreCollection(EmbeddedRetrievalStore.CreateInMemory());
        await collection.UpsertAsync(RetrievalVectorRecord.FromRecord(PostgresRetrievalStoreTests.RandomRecords(1, seed: 23)[0]));

        var search = await Assert.ThrowsAsync<NotSupportedException>(async () =>
            await collection.SearchAsync(new float[16], 3, new VectorSearchOptions<RetrievalVectorRecord> { Filter = r => r.Source.StartsWith("/data", StringComparison.Ordinal) }).ToListAsync());
        Assert.Contains("Modality", search.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotSupportedException>(async () => await collection.SearchAsync("a text", 3).ToListAsync());
        await Assert.ThrowsAsync<NotSupportedException>(async () => await collection.GetAsync(r => r.Modality == "text", 3).ToListAsync());
        using var vectorStore = new RetrievalVectorStore(_ => EmbeddedRetrievalStore.CreateInMemory());
        Assert.Throws<NotSupportedException>(() => vectorStore.GetCollection<Guid, RetrievalVectorRecord>("x"));
    }

    [Fact]
    public void TheRecordShapeRoundTripsAStoreRecord()
    {
        var record = new RetrievalRecord("id1", RetrievalModality.Audio, "/a.wav", "h1", new float[] { 1, 0 }, PostgresRetrievalStoreTests.Json("""{"k":"v"}"""));

        var back = RetrievalVectorRecord.FromRecord(record).ToRecord();

        Assert.Equal(RetrievalModality.Audio, back.Modality);
        Assert.Equal("/a.wav", back.Source);
        Assert.Equal("h1", back.ContentHash);
        Assert.Equal("v", back.Metadata!.Value.GetProperty("k").GetString());
        Assert.Equal(new float[] { 1, 0 }, back.Embedding.ToArray());
        Assert.Equal(7, RetrievalVectorRecord.CreateDefinition(7).Properties.OfType<VectorStoreVectorProperty>().Single().Dimensions);
        Assert.Throws<ArgumentException>(() => new RetrievalVectorRecord { Id = "x", Modality = "video", Embedding = new float[] { 1 } }.ToRecord());
    }

    private Func<string, IRetrievalStore> OpenStore(string kind) => kind switch
    {
        "embedded" => _ => EmbeddedRetrievalStore.CreateInMemory(),
        _ => name => new PostgresRetrievalStore(new PostgresRetrievalStoreOptions
        {
            ConnectionString = server.ConnectionString,
            TableName = $"{name}_{Guid.NewGuid():N}"[..30],
            ExactSearch = true,
        }),
    };
}

using System.Numerics.Tensors;
using System.Text.Json;

namespace Multimodal.Sdk.Retrieval.Postgres.Tests;

/// <summary>The store's behaviour against a real PostgreSQL with pgvector (PGlite unless MM_POSTGRES_TEST_CONNECTION names another).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresRetrievalStoreTests(PgliteServer server)
{
    private const int Dim = 16;

    [Fact]
    public async Task UpsertedRecordComesBackNormalizedWithItsFields()
    {
        using var store = NewStore();
        var metadata = Json("""{"album":"summer","year":2024}""");
        await store.UpsertAsync([new RetrievalRecord("a", RetrievalModality.Image, "/photos/a.jpg", "hash-a", new float[] { 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, metadata)]);

        var back = await store.GetAsync("a");

        Assert.NotNull(back);
        Assert.Equal(RetrievalModality.Image, back.Modality);
        Assert.Equal("/photos/a.jpg", back.Source);
        Assert.Equal("hash-a", back.ContentHash);
        Assert.Equal("summer", back.Metadata!.Value.GetProperty("album").GetString());
        Assert.Equal(2024, back.Metadata!.Value.GetProperty("year").GetInt32());
        Assert.Equal(0.6f, back.Embedding.Span[0], 6);
        Assert.Equal(0.8f, back.Embedding.Span[1], 6);
        Assert.Null(await store.GetAsync("missing"));
        Assert.Equal(1, await store.CountAsync());
    }

    [Fact]
    public async Task GettingManyIdsReturnsEachFoundRecordOnceWithItsEmbedding()
    {
        using var store = NewStore();
        Assert.Empty(await store.GetAsync(["a", "b"]));
        var records = RandomRecords(20, seed: 5);
        await store.UpsertAsync(records);

        var found = await store.GetAsync(["r3", "missing", "r17", "r3", "r0"]);

        Assert.Equal(["r0", "r17", "r3"], found.Select(r => r.Id).Order(StringComparer.Ordinal));
        foreach (var r in found)
        {
            var original = records.Single(o => o.Id == r.Id);
            Assert.Equal(original.Source, r.Source);
            Assert.Equal(1f, TensorPrimitives.CosineSimilarity(original.Embedding.Span, r.Embedding.Span), 5);
        }

        Assert.Empty(await store.GetAsync(Array.Empty<string>()));
    }

    [Fact]
    public async Task ExactSearchRanksLikeBruteForceCosineOnTheSameVectors()
    {
        using var store = NewStore(o => o.ExactSearch = true);
        var records = RandomRecords(300, seed: 1);
        await store.UpsertAsync(records);

        foreach (int q in new[] { 0, 17, 123 })
        {
            var query = RandomVector(new Random(1000 + q));
            var hits = await store.SearchAsync(query, new RetrievalSearchOptions { Top = 10 });
            var expected = BruteForce(records, query, 10);
            Assert.Equal(expected.Select(e => e.Id), hits.Select(h => h.Record.Id));
            for (int i = 0; i < hits.Count; i++)
            {
                Assert.Equal(expected[i].Score, hits[i].Score, 5);
            }
        }
    }

    [Fact]
    public async Task HnswSearchWalksTheIndexAndWithAWideCandidateListFindsTheExactTopTen()
    {
        var (table, records) = await LargeTableAsync();
        // ef_search above the collection's size makes the index walk every reachable node: the same ranking as exact.
        using var store = NewStore(o => o.EfSearch = 1000, table);
        Assert.Equal("hnsw", store.GetInfo().SearchMode);
        Assert.Contains("_hnsw", await ExplainAsync(store, table, string.Empty), StringComparison.Ordinal);

        var query = RandomVector(new Random(77));
        var hits = await store.SearchAsync(query, new RetrievalSearchOptions { Top = 10 });

        Assert.Equal(BruteForce(records, query, 10).Select(e => e.Id), hits.Select(h => h.Record.Id));
    }

    [Fact]
    public async Task AFilteredIndexSearchStillReturnsTheFullTopK()
    {
        // With statistics PostgreSQL serves "modality = 0" from the HNSW index. Its first ef_search (40) candidates hold
        // about 13 images; pgvector's iterative scan keeps walking until the top 30 images are found.
        var (table, records) = await LargeTableAsync();
        using var store = NewStore(table: table);
        Assert.Contains("_hnsw", await ExplainAsync(store, table, "WHERE modality = 0"), StringComparison.Ordinal);

        var query = RandomVector(new Random(78));
        var hits = await store.SearchAsync(query, new RetrievalSearchOptions { Top = 30, Modality = RetrievalModality.Image });

        Assert.Equal(30, hits.Count);
        var expected = BruteForce(records.Where(r => r.Modality == RetrievalModality.Image), query, 30).Select(e => e.Id).ToList();
        Assert.True(expected.Intersect(hits.Select(h => h.Record.Id)).Count() >= 27, "recall@30 below 0.9 on the filtered index path");
    }

    [Fact]
    public async Task FiltersOnModalityAndMetadataKeepTopKComplete()
    {
        using var store = NewStore();
        var records = RandomRecords(200, seed: 3);
        await store.UpsertAsync(records);

        var query = RandomVector(new Random(5));
        var images = await store.SearchAsync(query, new RetrievalSearchOptions { Top = 5, Modality = RetrievalModality.Image });
        Assert.Equal(BruteForce(records.Where(r => r.Modality == RetrievalModality.Image), query, 5).Select(e => e.Id), images.Select(h => h.Record.Id));

        var filter = new RetrievalSearchOptions { Top = 8 };
        filter.MetadataEquals["group"] = "7";
        var group7 = await store.SearchAsync(query, filter);
        var expected = BruteForce(records.Where(r => r.Metadata!.Value.GetProperty("group").GetInt32() == 7), query, 8);
        Assert.Equal(expected.Select(e => e.Id), group7.Select(h => h.Record.Id));

        filter.MetadataEquals["tag"] = "odd";
        filter.Modality = RetrievalModality.Text;
        var both = await store.SearchAsync(query, filter);
        Assert.All(both, h => Assert.True(h.Record.Modality == RetrievalModality.Text && h.Record.Metadata!.Value.GetProperty("tag").GetString() == "odd" && h.Record.Metadata!.Value.GetProperty("group").GetInt32() == 7));
        Assert.Equal(BruteForce(records.Where(r => r.Modality == RetrievalModality.Text && r.Metadata!.Value.GetProperty("group").GetInt32() == 7 && r.Metadata!.Value.GetProperty("tag").GetString() == "odd"), query, 8).Select(e => e.Id), both.Select(h => h.Record.Id));
    }

    [Fact]
    public async Task DeleteRemovesByIdAndIgnoresUnknownIds()
    {
        using var store = NewStore(o => o.ExactSearch = true);
        var records = RandomRecords(20, seed: 4);
        await store.UpsertAsync(records);

        Assert.Equal(2, await store.DeleteAsync(["r3", "r5", "nope"]));

        Assert.Equal(18, await store.CountAsync());
        Assert.Null(await store.GetAsync("r3"));
        var hits = await store.SearchAsync(records[3].Embedding, new RetrievalSearchOptions { Top = 20 });
        Assert.DoesNotContain(hits, h => h.Record.Id is "r3" or "r5");
        Assert.Equal(0, await store.DeleteAsync(["r3"]));
    }

    [Fact]
    public async Task UpsertOfAnExistingIdReplacesTheRecord()
    {
        using var store = NewStore(o => o.ExactSearch = true);
        await store.UpsertAsync(RandomRecords(10, seed: 6));
        var replacement = new RetrievalRecord("r2", RetrievalModality.Audio, "/audio/new.wav", "hash-new", RandomVector(new Random(99)), Json("""{"v":2}"""));

        await store.UpsertAsync([replacement]);

        Assert.Equal(10, await store.CountAsync());
        var back = await store.GetAsync("r2");
        Assert.Equal(RetrievalModality.Audio, back!.Modality);
        Assert.Equal("/audio/new.wav", back.Source);
        Assert.Equal(2, back.Metadata!.Value.GetProperty("v").GetInt32());
        var top = await store.SearchAsync(replacement.Embedding, new RetrievalSearchOptions { Top = 1 });
        Assert.Equal("r2", top[0].Record.Id);
        Assert.Equal(1f, top[0].Score, 5);
    }

    [Fact]
    public async Task SearchesWhileBatchesAreUpsertedSeeWholeBatchesOnly()
    {
        // Three statements per batch of 25: only the transaction keeps a batch whole.
        using var store = NewStore(o => { o.ExactSearch = true; o.InsertBatchSize = 10; });
        await store.UpsertAsync(RandomRecords(1, seed: 15, prefix: "seed"));
        var batches = Enumerable.Range(0, 6).Select(b => RandomRecords(25, seed: 100 + b, prefix: $"b{b}_")).ToList();

        var writers = batches.Select(b => Task.Run(() => store.UpsertAsync(b)));
        var readers = Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
        {
            var hits = await store.SearchAsync(RandomVector(new Random(i)), new RetrievalSearchOptions { Top = 200 });
            // A batch is one transaction: a search sees all 25 of its records or none.
            foreach (var group in hits.Where(h => h.Record.Id.StartsWith('b')).GroupBy(h => h.Record.Id[..h.Record.Id.IndexOf('_', StringComparison.Ordinal)]))
            {
                Assert.Equal(25, group.Count());
            }
        }));
        await Task.WhenAll(writers.Concat(readers));

        Assert.Equal(151, await store.CountAsync());
    }

    [Fact]
    public async Task ContentHashLookupFindsWhatIsAlreadyStored()
    {
        using var store = NewStore();
        await store.UpsertAsync(RandomRecords(10, seed: 7));

        var found = await store.GetByContentHashAsync(["hash-r1", "hash-r8", "hash-unknown"]);

        Assert.Equal(["r1", "r8"], found.Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.Empty(await store.GetByContentHashAsync(["hash-unknown"]));
    }

    [Fact]
    public async Task LargeBatchesAreSplitIntoStatementsInOneTransaction()
    {
        using var store = NewStore(o => o.InsertBatchSize = 7);
        var records = RandomRecords(50, seed: 8);
        await store.UpsertAsync(records);
        Assert.Equal(50, await store.CountAsync());

        // The last record of a second batch has the wrong dimension: the batch fails whole, nothing of it is written.
        var bad = RandomRecords(20, seed: 9, prefix: "b").Append(new RetrievalRecord("short", RetrievalModality.Text, "x", "h", new float[Dim - 1])).ToList();
        await Assert.ThrowsAsync<ArgumentException>(() => store.UpsertAsync(bad));
        Assert.Equal(50, await store.CountAsync());
    }

    [Fact]
    public async Task ABatchWithTwoRecordsOfOneIdIsRejected()
    {
        using var store = NewStore();
        var twice = RandomRecords(2, seed: 10).Concat(RandomRecords(1, seed: 11)).ToList();

        var e = await Assert.ThrowsAsync<ArgumentException>(() => store.UpsertAsync(twice));

        Assert.Contains("r0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AQueryOfTheWrongLengthIsAnArgumentError()
    {
        using var store = NewStore();
        await store.UpsertAsync(RandomRecords(3, seed: 12));

        await Assert.ThrowsAsync<ArgumentException>(() => store.SearchAsync(new float[Dim + 1]));
    }

    [Fact]
    public async Task AnEmptyOrMissingTableSearchesToNothing()
    {
        using var store = NewStore();

        Assert.Empty(await store.SearchAsync(new float[Dim]));
        Assert.Equal(0, await store.CountAsync());
        Assert.Equal(0, await store.DeleteAsync(["x"]));
        Assert.Equal(0, store.GetInfo().Dimension);
    }

    [Fact]
    public async Task ASecondStoreOverTheSameTableSeesTheRecordsAndTheDimension()
    {
        string table = NewTable();
        using (var writer = NewStore(table: table))
        {
            await writer.UpsertAsync(RandomRecords(5, seed: 13));
        }

        using var reader = NewStore(table: table);
        Assert.Equal(5, await reader.CountAsync());
        var info = reader.GetInfo();
        Assert.Equal(Dim, info.Dimension);
        Assert.Equal("postgres", info.Kind);
        Assert.DoesNotContain("postgres;", info.Location, StringComparison.Ordinal);
        Assert.EndsWith(table, info.Location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTableHasAnHnswCosineIndexAndJsonbMetadata()
    {
        string table = NewTable();
        using var store = NewStore(o => { o.HnswM = 8; o.HnswEfConstruction = 32; }, table);
        await store.UpsertAsync(RandomRecords(3, seed: 14));

        var dataSource = (Npgsql.NpgsqlDataSource)store.GetService(typeof(Npgsql.NpgsqlDataSource))!;
        await using var command = dataSource.CreateCommand("SELECT indexdef FROM pg_indexes WHERE tablename = $1 AND indexdef LIKE '%hnsw%'");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = table });
        string indexdef = (string)(await command.ExecuteScalarAsync())!;
        Assert.Contains("vector_cosine_ops", indexdef, StringComparison.Ordinal);
        Assert.Contains("m='8'", indexdef.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);

        await using var type = dataSource.CreateCommand("SELECT data_type FROM information_schema.columns WHERE table_name = $1 AND column_name = 'metadata'");
        type.Parameters.Add(new Npgsql.NpgsqlParameter { Value = table });
        Assert.Equal("jsonb", await type.ExecuteScalarAsync());
    }

    internal static IReadOnlyList<RetrievalRecord> RandomRecords(int count, int seed, string prefix = "r")
    {
        var random = new Random(seed);
        var result = new List<RetrievalRecord>(count);
        for (int i = 0; i < count; i++)
        {
            var modality = (RetrievalModality)(i % 3);
            string metadata = $$"""{"group":{{i % 10}},"tag":"{{(i % 2 == 0 ? "even" : "odd")}}"}""";
            result.Add(new RetrievalRecord($"{prefix}{i}", modality, $"/data/{prefix}{i}", $"hash-{prefix}{i}", RandomVector(random), Json(metadata)));
        }

        return result;
    }

    internal static float[] RandomVector(Random random)
    {
        var v = new float[Dim];
        for (int i = 0; i < Dim; i++)
        {
            v[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return v;
    }

    internal static List<(string Id, float Score)> BruteForce(IEnumerable<RetrievalRecord> records, ReadOnlyMemory<float> query, int top) =>
        records.Select((r, order) => (r.Id, Score: TensorPrimitives.CosineSimilarity(r.Embedding.Span, query.Span), order))
            .OrderByDescending(x => x.Score).ThenBy(x => x.order)
            .Take(top)
            .Select(x => (x.Id, x.Score))
            .ToList();

    internal static JsonElement Json(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    private static readonly SemaphoreSlim LargeTableLock = new(1, 1);
    private static (string Table, IReadOnlyList<RetrievalRecord> Records)? _largeTable;

    /// <summary>3000 records in one table shared by the index-path tests (building the index is the slow part), analyzed.</summary>
    private async Task<(string Table, IReadOnlyList<RetrievalRecord> Records)> LargeTableAsync()
    {
        await LargeTableLock.WaitAsync();
        try
        {
            if (_largeTable is { } done)
            {
                return done;
            }

            string table = NewTable();
            var records = RandomRecords(3000, seed: 2);
            using var store = NewStore(table: table);
            await store.UpsertAsync(records.Take(1).ToList());
            var dataSource = (Npgsql.NpgsqlDataSource)store.GetService(typeof(Npgsql.NpgsqlDataSource))!;

            // Bulk-load the way docs/retrieval.md advises (load, then build the index in one pass): faster than 3000 graph inserts.
            await using (var drop = dataSource.CreateCommand($"DROP INDEX {table}_hnsw"))
            {
                await drop.ExecuteNonQueryAsync();
            }

            await store.UpsertAsync(records.Skip(1).ToList());
            await using (var build = dataSource.CreateCommand($"CREATE INDEX {table}_hnsw ON {table} USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64); ANALYZE {table}"))
            {
                await build.ExecuteNonQueryAsync();
            }

            _largeTable = (table, records);
            return (table, records);
        }
        finally
        {
            LargeTableLock.Release();
        }
    }

    private static async Task<string> ExplainAsync(PostgresRetrievalStore store, string table, string where)
    {
        var dataSource = (Npgsql.NpgsqlDataSource)store.GetService(typeof(Npgsql.NpgsqlDataSource))!;
        await using var command = dataSource.CreateCommand($"EXPLAIN SELECT id FROM {table} {where} ORDER BY embedding <=> (SELECT embedding FROM {table} LIMIT 1) LIMIT 30");
        await using var reader = await command.ExecuteReaderAsync();
        var plan = new System.Text.StringBuilder();
        while (await reader.ReadAsync())
        {
            plan.AppendLine(reader.GetString(0));
        }

        return plan.ToString();
    }

    private static string NewTable() => "t_" + Guid.NewGuid().ToString("N")[..16];

    private PostgresRetrievalStore NewStore(Action<PostgresRetrievalStoreOptions>? configure = null, string? table = null)
    {
        var options = new PostgresRetrievalStoreOptions { ConnectionString = server.ConnectionString, TableName = table ?? NewTable() };
        configure?.Invoke(options);
        return new PostgresRetrievalStore(options);
    }
}

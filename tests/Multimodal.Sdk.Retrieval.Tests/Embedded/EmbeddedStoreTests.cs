using System.Text.Json;

namespace Multimodal.Sdk.Retrieval.Tests.Embedded;

public sealed class EmbeddedStoreTests
{
    public static TheoryData<RetrievalVectorEncoding> Encodings() => [RetrievalVectorEncoding.Float32, RetrievalVectorEncoding.Int8];

    [Theory]
    [MemberData(nameof(Encodings))]
    public async Task ExactSearchReturnsTheBruteForceTopKInOrderBeforeAndAfterReopen(RetrievalVectorEncoding encoding)
    {
        using var folder = TestPaths.NewFolder();
        var vectors = Vectors.Clustered(600, 24, seed: 1);
        var items = vectors.Select((v, i) => ($"r{i}", v)).ToList();
        var options = new EmbeddedRetrievalStoreOptions { Encoding = encoding, SearchAlgorithm = RetrievalSearchAlgorithm.Exact, RescoreFactor = 50 };
        var queries = Vectors.Clustered(20, 24, seed: 2);
        using (var store = EmbeddedRetrievalStore.Open(folder.Path, options))
        {
            // Half checkpointed into the mapped columns, half in the log: the search spans both.
            await store.UpsertAsync([.. items.Take(300).Select(x => Vectors.Record(x.Item1, x.v))]);
            await store.FlushAsync();
            await store.UpsertAsync([.. items.Skip(300).Select(x => Vectors.Record(x.Item1, x.v))]);
            await AssertTopK(store);
        }

        using (var reopened = EmbeddedRetrievalStore.Open(folder.Path, options))
        {
            Assert.Equal(600, await reopened.CountAsync());
            await AssertTopK(reopened);
        }

        async Task AssertTopK(EmbeddedRetrievalStore store)
        {
            foreach (var q in queries)
            {
                var hits = await store.SearchAsync(q, new RetrievalSearchOptions { Top = 10 });
                Assert.Equal(Vectors.BruteForce(items, q, 10), hits.Select(h => h.Record.Id));
                Assert.True(hits.Zip(hits.Skip(1)).All(p => p.First.Score >= p.Second.Score));
                Assert.Equal(hits[0].Score, q.Zip(items.First(i => i.Item1 == hits[0].Record.Id).v, (a, b) => a * b).Sum(), 4);
            }
        }
    }

    [Fact]
    public async Task BatchSearchEqualsOneQueryAtATime()
    {
        using var store = EmbeddedRetrievalStore.CreateInMemory();
        var vectors = Vectors.Clustered(500, 16, seed: 3);
        await store.UpsertAsync([.. vectors.Select((v, i) => Vectors.Record($"r{i}", v))]);
        var queries = Vectors.Clustered(33, 16, seed: 4);
        var batch = await store.SearchAsync([.. queries.Select(q => (ReadOnlyMemory<float>)q)], new RetrievalSearchOptions { Top = 7 });
        for (int q = 0; q < queries.Length; q++)
        {
            var single = await store.SearchAsync(queries[q], new RetrievalSearchOptions { Top = 7 });
            Assert.Equal(single.Select(h => (h.Record.Id, h.Score)), batch[q].Select(h => (h.Record.Id, h.Score)));
        }
    }

    [Fact]
    public async Task FiltersOnModalityAndMetadataKeepOnlyMatchingRecords()
    {
        using var store = EmbeddedRetrievalStore.CreateInMemory();
        var vectors = Vectors.Clustered(90, 8, seed: 5);
        await store.UpsertAsync([.. vectors.Select((v, i) => Vectors.Record($"r{i}", v, (RetrievalModality)(i % 3), $$"""{"album":"a{{i % 5}}","year":{{2000 + (i % 2)}},"fav":{{(i % 4 == 0 ? "true" : "false")}}}"""))]);
        var hits = await store.SearchAsync(vectors[0], new RetrievalSearchOptions { Top = 100, Modality = RetrievalModality.Text, MetadataEquals = { ["album"] = "a1", ["year"] = "2001", ["fav"] = "false" } });
        var expected = Enumerable.Range(0, 90).Where(i => i % 3 == 1 && i % 5 == 1 && i % 2 == 1 && i % 4 != 0).Select(i => $"r{i}").Order().ToList();
        Assert.Equal(expected, hits.Select(h => h.Record.Id).Order());
        Assert.All(hits, h => Assert.Equal(RetrievalModality.Text, h.Record.Modality));
        Assert.Equal("a1", hits[0].Record.Metadata!.Value.GetProperty("album").GetString());
    }

    [Fact]
    public async Task UpsertReplacesById_DeleteRemoves_AndBothSurviveReopen()
    {
        using var folder = TestPaths.NewFolder();
        var v = Vectors.Clustered(4, 8, seed: 6);
        using (var store = EmbeddedRetrievalStore.Open(folder.Path))
        {
            await store.UpsertAsync([Vectors.Record("a", v[0]), Vectors.Record("b", v[1]), Vectors.Record("c", v[2])]);
            await store.FlushAsync();
            await store.UpsertAsync(new RetrievalRecord("a", RetrievalModality.Text, "new source", "h-new", v[3]));
            Assert.Equal(1, await store.DeleteAsync(["b", "missing"]));
            Assert.Equal(2, await store.CountAsync());
        }

        using (var store = EmbeddedRetrievalStore.Open(folder.Path, new EmbeddedRetrievalStoreOptions { ReadOnly = true }))
        {
            Assert.Equal(2, await store.CountAsync());
            Assert.Null(await store.GetAsync("b"));
            var a = await store.GetAsync("a");
            Assert.Equal(("new source", "h-new", RetrievalModality.Text), (a!.Source, a.ContentHash, a.Modality));
            Assert.Empty(await store.GetByContentHashAsync([RetrievalContentHash.ForText("a")]));
            Assert.Single(await store.GetByContentHashAsync(["h-new"]));
            var hits = await store.SearchAsync(v[1], new RetrievalSearchOptions { Top = 10 });
            Assert.Equal(["a", "c"], hits.Select(h => h.Record.Id).Order());
            await Assert.ThrowsAsync<InvalidOperationException>(() => store.UpsertAsync([Vectors.Record("x", v[0])]));
        }
    }

    [Fact]
    public async Task ASecondWriterGetsAClearErrorWhileReadersOpenFine()
    {
        using var folder = TestPaths.NewFolder();
        using var writer = EmbeddedRetrievalStore.Open(folder.Path);
        await writer.UpsertAsync([Vectors.Record("a", Vectors.Clustered(1, 8, 7)[0])]);
        var e = Assert.Throws<RetrievalIndexLockedException>(() => EmbeddedRetrievalStore.Open(folder.Path));
        Assert.Contains("open for writing", e.Message, StringComparison.Ordinal);
        using var reader = EmbeddedRetrievalStore.Open(folder.Path, new EmbeddedRetrievalStoreOptions { ReadOnly = true });
        Assert.Equal(1, await reader.CountAsync());
        writer.Dispose();
        using var next = EmbeddedRetrievalStore.Open(folder.Path);
        Assert.Equal(1, await next.CountAsync());
    }

    /// <summary>Copies an open writer's folder as a crash at this instant would leave it (no checkpoint on dispose).</summary>
    private static TempFolder CrashCopy(string folder)
    {
        var copy = TestPaths.NewFolder();
        foreach (var f in Directory.GetFiles(folder).Where(f => !f.EndsWith("writer.lock", StringComparison.Ordinal)))
        {
            File.Copy(f, Path.Combine(copy.Path, Path.GetFileName(f)));
        }

        return copy;
    }

    private static string LogOf(string folder)
        => Path.Combine(folder, JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json"))).RootElement.GetProperty("log").GetString()!);

    [Fact]
    public async Task ATornLogTailIsCutOffAndEveryCompleteBatchSurvives()
    {
        using var folder = TestPaths.NewFolder();
        var v = Vectors.Clustered(4, 8, seed: 8);
        using var store = EmbeddedRetrievalStore.Open(folder.Path, new EmbeddedRetrievalStoreOptions { CheckpointBytes = long.MaxValue });
        await store.UpsertAsync([Vectors.Record("a", v[0])]);
        await store.FlushAsync();
        await store.UpsertAsync([Vectors.Record("b", v[1])]);
        await store.UpsertAsync([Vectors.Record("c", v[2])]);
        using var crashed = CrashCopy(folder.Path);

        // A frame header promising 40 bytes, then only 6 of them: the write the crash interrupted.
        string log = LogOf(crashed.Path);
        File.WriteAllBytes(log, [.. File.ReadAllBytes(log), 40, 0, 0, 0, 1, 2, 3, 4, 9, 9, 9, 9, 9, 9]);
        using (var reopened = EmbeddedRetrievalStore.Open(crashed.Path, new EmbeddedRetrievalStoreOptions { CheckpointBytes = long.MaxValue }))
        {
            Assert.Equal(3, await reopened.CountAsync());
            Assert.NotNull(await reopened.GetAsync("c"));
            await reopened.UpsertAsync([Vectors.Record("d", v[3])]);
            using var again = CrashCopy(crashed.Path);
            using var third = EmbeddedRetrievalStore.Open(again.Path);
            Assert.Equal(4, await third.CountAsync());
        }
    }

    [Fact]
    public async Task ACorruptedFrameEndsTheReplayThere()
    {
        using var folder = TestPaths.NewFolder();
        var v = Vectors.Clustered(3, 8, seed: 9);
        using var store = EmbeddedRetrievalStore.Open(folder.Path, new EmbeddedRetrievalStoreOptions { CheckpointBytes = long.MaxValue });
        await store.UpsertAsync([Vectors.Record("a", v[0])]);
        await store.UpsertAsync([Vectors.Record("b", v[1])]);
        await store.UpsertAsync([Vectors.Record("c", v[2])]);
        using var crashed = CrashCopy(folder.Path);
        string log = LogOf(crashed.Path);
        byte[] bytes = File.ReadAllBytes(log);
        int lastFrame = bytes.Length - (bytes.Length - 8) / 3;
        bytes[lastFrame - 5] ^= 0xFF;
        File.WriteAllBytes(log, bytes);
        using var reopened = EmbeddedRetrievalStore.Open(crashed.Path);
        Assert.Equal(1, await reopened.CountAsync());
        Assert.NotNull(await reopened.GetAsync("a"));
        Assert.Null(await reopened.GetAsync("b"));
    }

    [Fact]
    public void ANewerFormatVersionIsRefusedWithTheFileNamed()
    {
        using var folder = TestPaths.NewFolder();
        File.WriteAllText(Path.Combine(folder.Path, "manifest.json"), """{"format":"multimodal-sdk-retrieval-index","version":99,"dimension":8,"encoding":"float32"}""");
        var e = Assert.Throws<RetrievalIndexFormatException>(() => EmbeddedRetrievalStore.Open(folder.Path));
        Assert.Contains("version 99", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongDimensionIsRejected()
    {
        using var store = EmbeddedRetrievalStore.CreateInMemory();
        await store.UpsertAsync([Vectors.Record("a", Vectors.Clustered(1, 8, 10)[0])]);
        await Assert.ThrowsAsync<ArgumentException>(() => store.UpsertAsync([Vectors.Record("b", Vectors.Clustered(1, 9, 10)[0])]));
        await Assert.ThrowsAsync<ArgumentException>(() => store.SearchAsync(new float[9]));
    }

    [Fact]
    public async Task Int8WithRescoringFindsNearlyAllOfTheExactTop10()
    {
        var vectors = Vectors.Clustered(4000, 64, seed: 11);
        using var exact = EmbeddedRetrievalStore.CreateInMemory(new EmbeddedRetrievalStoreOptions { SearchAlgorithm = RetrievalSearchAlgorithm.Exact });
        using var int8 = EmbeddedRetrievalStore.CreateInMemory(new EmbeddedRetrievalStoreOptions { Encoding = RetrievalVectorEncoding.Int8, SearchAlgorithm = RetrievalSearchAlgorithm.Exact });
        var records = vectors.Select((v, i) => Vectors.Record($"r{i}", v)).ToList();
        await exact.UpsertAsync(records);
        await int8.UpsertAsync(records);
        int found = 0, total = 0;
        foreach (var q in Vectors.Clustered(100, 64, seed: 12))
        {
            var truth = (await exact.SearchAsync(q)).Select(h => h.Record.Id).ToHashSet();
            var hits = await int8.SearchAsync(q);
            found += hits.Count(h => truth.Contains(h.Record.Id));
            total += truth.Count;
        }

        Assert.True(found >= 0.99 * total, $"int8 + rescoring recall@10 {found}/{total}");
    }

    [Fact]
    public void Int8DotProductsAgreeBetweenTheSimdAndScalarPaths()
    {
        var random = new Random(13);
        foreach (int length in new[] { 1, 15, 16, 17, 32, 100, 512, 777 })
        {
            var a = Enumerable.Range(0, length).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
            var b = Enumerable.Range(0, length).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
            int expected = a.Zip(b, (x, y) => x * y).Sum();
            Assert.Equal(expected, VectorKernels.DotInt8Scalar(a, b));
            Assert.Equal(expected, VectorKernels.DotInt8(a, b));
        }
    }

    [Fact]
    public async Task HnswAboveTheThresholdFindsTheExactTop10MostOfTheTimeAndSeesRowsAddedAfterTheBuild()
    {
        using var folder = TestPaths.NewFolder();
        var vectors = Vectors.Clustered(3000, 32, seed: 14);
        var options = new EmbeddedRetrievalStoreOptions { ApproximateThreshold = 1000 };
        using var store = EmbeddedRetrievalStore.Open(folder.Path, options);
        await store.UpsertAsync([.. vectors.Select((v, i) => Vectors.Record($"r{i}", v))]);
        await store.FlushAsync();
        Assert.Equal("hnsw", store.GetInfo().SearchMode);
        Assert.Single(Directory.GetFiles(folder.Path, "hnsw-*.usearch"));

        var late = Vectors.Clustered(1, 32, seed: 15)[0];
        await store.UpsertAsync([Vectors.Record("late", late)]);
        Assert.Equal(["late"], (await store.SearchAsync(late, new RetrievalSearchOptions { Top = 1 })).Select(h => h.Record.Id));
        await store.DeleteAsync(["r0"]);
        Assert.DoesNotContain("r0", (await store.SearchAsync(vectors[0])).Select(h => h.Record.Id));

        var items = vectors.Select((v, i) => ($"r{i}", v)).Where(x => x.Item1 != "r0").Append(("late", late)).ToList();
        int found = 0, total = 0;
        foreach (var q in Vectors.Clustered(50, 32, seed: 16))
        {
            var truth = Vectors.BruteForce(items, q, 10).ToHashSet();
            found += (await store.SearchAsync(q)).Count(h => truth.Contains(h.Record.Id));
            total += 10;
        }

        Assert.True(found >= 0.95 * total, $"HNSW recall@10 {found}/{total}");
    }

    [Fact]
    public async Task SearchesRunWhileBatchesAreAdded()
    {
        using var folder = TestPaths.NewFolder();
        using var store = EmbeddedRetrievalStore.Open(folder.Path, new EmbeddedRetrievalStoreOptions { CheckpointBytes = 32 * 1024 });
        var vectors = Vectors.Clustered(3000, 16, seed: 17);
        await store.UpsertAsync([Vectors.Record("first", vectors[0])]);
        using var cts = new CancellationTokenSource();
        var searching = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var searcher = Task.Run(async () =>
        {
            int searches = 0;
            while (!cts.IsCancelled())
            {
                var hits = await store.SearchAsync(vectors[0], new RetrievalSearchOptions { Top = 1 });
                Assert.Equal("first", hits[0].Record.Id);
                searches++;
                searching.TrySetResult();
            }

            return searches;
        });

        // The batches start only once searches are running, so they overlap (on a quiet machine the writer could
        // otherwise finish all 30 batches before the searcher's first call was scheduled).
        await searching.Task;
        for (int start = 1; start < vectors.Length; start += 100)
        {
            await store.UpsertAsync([.. vectors.Skip(start).Take(100).Select((v, i) => Vectors.Record($"r{start + i}", v))]);
        }

        cts.Cancel();
        Assert.True(await searcher > 0);
        Assert.Equal(3000, await store.CountAsync());
    }
}

internal static class CancellationExtensions
{
    public static bool IsCancelled(this CancellationTokenSource cts) => cts.IsCancellationRequested;
}

namespace Multimodal.Sdk.Retrieval.Postgres.Tests.VideoMoments;

/// <summary>
/// Moment search over many videos with the frames in PostgreSQL + pgvector (the default HNSW store, as
/// <c>mm video find --store</c> opens it): the same moments as the embedded store, re-adds and removals, and one
/// store call per candidate video.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class VideoMomentIndexOverPostgresTests(PgliteServer server, GeneratedVideos videos) : IClassFixture<GeneratedVideos>
{
    private static readonly string[] Queries = ["red square", "when does the blue square disappear?", "green square", "yellow star"];

    [Fact]
    public async Task PgvectorFindsTheSameMomentsAsTheEmbeddedStore()
    {
        using var postgres = NewStore();
        using var embedded = EmbeddedRetrievalStore.CreateInMemory();
        var overPostgres = new VideoMomentIndex(videos.Encoder, postgres);
        var overEmbedded = new VideoMomentIndex(videos.Encoder, embedded);
        foreach (string video in videos.All)
        {
            Assert.Equal(RetrievalAddStatus.Added, (await overPostgres.AddVideoAsync(video)).Status);
            Assert.Equal(RetrievalAddStatus.Added, (await overEmbedded.AddVideoAsync(video)).Status);
        }

        Assert.Equal(3 * GeneratedVideos.FramesPerClip, await postgres.CountAsync());
        var options = new VideoMomentSearchOptions { Top = 100 };
        foreach (string query in Queries)
        {
            // Scores agree to float rounding, so near-ties may rank either way: compare in (video, start) order.
            var expected = (await overEmbedded.FindMomentsAsync(query, options)).OrderBy(m => m.Video, StringComparer.Ordinal).ThenBy(m => m.Start).ToList();
            var actual = (await overPostgres.FindMomentsAsync(query, options)).OrderBy(m => m.Video, StringComparer.Ordinal).ThenBy(m => m.Start).ToList();
            Assert.NotEmpty(expected);
            Assert.Equal(expected.Select(m => (m.Video, m.Start, m.End)), actual.Select(m => (m.Video, m.Start, m.End)));
            Assert.All(expected.Zip(actual), p => Assert.Equal(p.First.Score, p.Second.Score, 4));
        }

        // And the answer means something: the red square appears at 1.25 s in its clip.
        var best = (await overPostgres.FindMomentsAsync("when does the red square appear?"))[0];
        Assert.Equal(videos.RedAppears, best.Video);
        Assert.Equal(1.25, best.Start.TotalSeconds, 0.25);
    }

    [Fact]
    public async Task ReAddingAVideoToPgvectorReplacesItsFrames()
    {
        using var store = NewStore();
        var index = new VideoMomentIndex(videos.Encoder, store);
        string video = videos.RedAppears;
        Assert.Equal(RetrievalAddStatus.Added, (await index.AddVideoAsync(video)).Status);
        Assert.Equal(RetrievalAddStatus.Unchanged, (await index.AddVideoAsync(video)).Status);

        // Fewer frames sampled this time: the video is updated, its 20 extra frames are gone, the moments use the 4 left.
        Assert.Equal(RetrievalAddStatus.Updated, (await index.AddVideoAsync(video, VideoSamplingOptions.Uniform(4))).Status);
        Assert.Equal(4, await store.CountAsync());
        var frames = await store.GetAsync(FrameIds(video, GeneratedVideos.FramesPerClip));
        Assert.Equal(FrameIds(video, 4).Order(StringComparer.Ordinal), frames.Select(f => f.Id).Order(StringComparer.Ordinal));
        Assert.All(frames, f => Assert.Equal(4, f.Metadata!.Value.GetProperty("frames").GetInt32()));
        var starts = frames.Select(f => f.Metadata!.Value.GetProperty("start").GetDouble()).ToHashSet();
        var moments = await index.FindMomentsAsync("red square");
        Assert.NotEmpty(moments);
        Assert.All(moments, m => Assert.Contains(m.Start.TotalSeconds, starts));

        // Every frame again: updated back to 24 records.
        Assert.Equal(RetrievalAddStatus.Updated, (await index.AddVideoAsync(video)).Status);
        Assert.Equal(GeneratedVideos.FramesPerClip, await store.CountAsync());
    }

    [Fact]
    public async Task RemovingAVideoFromPgvectorDeletesEveryFrameOfItAndNothingElse()
    {
        using var store = NewStore();
        var index = new VideoMomentIndex(videos.Encoder, store);
        await index.AddVideoAsync(videos.RedAppears);
        await index.AddVideoAsync(videos.BlueDisappears);

        Assert.Equal(GeneratedVideos.FramesPerClip, await index.RemoveVideoAsync(videos.RedAppears));

        Assert.Empty(await store.GetAsync(FrameIds(videos.RedAppears, GeneratedVideos.FramesPerClip)));
        Assert.Equal(GeneratedVideos.FramesPerClip, await store.CountAsync());
        var moments = await index.FindMomentsAsync("red square", new VideoMomentSearchOptions { Top = 100 });
        Assert.NotEmpty(moments);
        Assert.All(moments, m => Assert.Equal(videos.BlueDisappears, m.Video));
        Assert.Equal(0, await index.RemoveVideoAsync(videos.RedAppears));
    }

    [Fact]
    public async Task FindingMomentsReadsEachCandidateVideosFramesInOneStoreCall()
    {
        using var store = new CountingRetrievalStore(NewStore());
        var index = new VideoMomentIndex(videos.Encoder, store);
        foreach (string video in videos.All)
        {
            await index.AddVideoAsync(video);
        }

        store.Reset();
        var moments = await index.FindMomentsAsync("red square", new VideoMomentSearchOptions { Top = 100 });

        // 256 candidate frames cover all 72: every video is a candidate, read with one query, never frame by frame.
        Assert.Equal(3, moments.Select(m => m.Video).Distinct().Count());
        Assert.Equal(1, store.Searches);
        Assert.Equal(3, store.BatchGets);
        Assert.Equal(0, store.SingleGets);
    }

    [Fact]
    public async Task AVideoWithAFrameRecordDeletedBehindTheIndexsBackFailsClearly()
    {
        using var store = NewStore();
        var index = new VideoMomentIndex(videos.Encoder, store);
        await index.AddVideoAsync(videos.GreenStill);
        Assert.Equal(1, await store.DeleteAsync([$"video:{videos.GreenStill}#5"]));

        var error = await Assert.ThrowsAsync<RetrievalIndexFormatException>(() => index.FindMomentsAsync("green square"));

        Assert.Contains(videos.GreenStill, error.Message, StringComparison.Ordinal);
        Assert.Contains("frame 5 of 24", error.Message, StringComparison.Ordinal);
    }

    private static string[] FrameIds(string video, int count) => [.. Enumerable.Range(0, count).Select(i => $"video:{video}#{i}")];

    private PostgresRetrievalStore NewStore() => new(new PostgresRetrievalStoreOptions
    {
        ConnectionString = server.ConnectionString,
        TableName = "moments_" + Guid.NewGuid().ToString("N")[..12],
    });
}

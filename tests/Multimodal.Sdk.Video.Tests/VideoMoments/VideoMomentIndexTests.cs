using System.Text.Json;

namespace Multimodal.Sdk.Video.Tests.VideoMoments;

/// <summary>The frames of every clip of the zoo world sample, embedded once into an in-memory retrieval index.</summary>
public sealed class IndexedWorld : IDisposable
{
    public IndexedWorld()
    {
        World = new VideoWorld();
        Encoder = new ClipVideoEncoder(TestData.Model("tiny-clip"));
        Store = EmbeddedRetrievalStore.CreateInMemory();
        Index = new VideoMomentIndex(Encoder, Store);
        foreach (var clip in World.Clips)
        {
            var added = Index.AddVideoAsync(World.PathOf(clip)).GetAwaiter().GetResult();
            Assert.Equal(RetrievalAddStatus.Added, added.Status);
        }
    }

    public VideoWorld World { get; }

    public ClipVideoEncoder Encoder { get; }

    public EmbeddedRetrievalStore Store { get; }

    public VideoMomentIndex Index { get; }

    public void Dispose()
    {
        Store.Dispose();
        Encoder.Dispose();
    }
}

[Collection(VideoCollection.Name)]
public sealed class VideoMomentIndexTests(IndexedWorld indexed) : IClassFixture<IndexedWorld>
{
    [Fact]
    public async Task SearchOverManyVideosFindsEachEventInItsClipAtTheEventTime()
    {
        var world = indexed.World;
        Assert.Equal(world.Clips.Sum(c => c.GetProperty("frames").GetInt32()), await indexed.Store.CountAsync());
        var events = world.Clips.SelectMany(c => VideoWorld.Objects(c).Where(o => o.GetProperty("event").ValueKind == JsonValueKind.String).Select(o => (Clip: c, Object: o))).ToList();
        Assert.True(events.Count >= 3, $"the world sample has only {events.Count} events");
        var misses = new List<string>();
        foreach (var (clip, obj) in events)
        {
            string kind = obj.GetProperty("event").GetString()!;
            string query = $"when does the {VideoWorld.Name(obj)} {(kind == "appears" ? "appear" : "disappear")}?";
            var hits = await indexed.Index.FindMomentsAsync(query, new VideoMomentSearchOptions { Top = 50 });
            string path = Path.GetFullPath(world.PathOf(clip));

            // The best moment is in a clip that shows this object; the event clip's best moment has the event time.
            var shows = world.Clips.Where(c => VideoWorld.Objects(c).Any(o => VideoWorld.Name(o) == VideoWorld.Name(obj))).Select(c => Path.GetFullPath(world.PathOf(c))).ToHashSet();
            var own = hits.FirstOrDefault(h => h.Video == path);
            double expected = obj.GetProperty("event_time").GetDouble();
            if (!shows.Contains(hits[0].Video) || own is null || Math.Abs(own.Start.TotalSeconds - expected) > 0.25 || own.End - own.Start > TimeSpan.FromSeconds(0.126))
            {
                misses.Add($"{clip.GetProperty("file")}: '{query}' expected {expected} s; got {string.Join(", ", hits.Take(5).Select(h => $"{Path.GetFileName(h.Video)} {h.Start.TotalSeconds}-{h.End.TotalSeconds} {h.Score:F2}"))}");
            }
        }

        Assert.True(misses.Count == 0, string.Join("\n", misses));
    }

    [Fact]
    public async Task AVideosMomentsThroughTheIndexAreTheOneVideoSearchsMoments()
    {
        var clip = indexed.World.Clips.First(c => VideoWorld.Objects(c).Any(o => o.GetProperty("event").ValueKind == JsonValueKind.String));
        var obj = VideoWorld.Objects(clip).First(o => o.GetProperty("event").ValueKind == JsonValueKind.String);
        string query = $"{VideoWorld.Name(obj)}";
        string path = indexed.World.PathOf(clip);
        var direct = await indexed.Encoder.FindMomentsAsync(path, query);
        var through = (await indexed.Index.FindMomentsAsync(query, new VideoMomentSearchOptions { Top = 1000, CandidateFrames = 1000 }))
            .Where(h => h.Video == Path.GetFullPath(path)).ToList();
        Assert.Equal(direct.Count, through.Count);
        Assert.All(direct.Zip(through), p =>
        {
            Assert.Equal(p.First.Start.TotalSeconds, p.Second.Start.TotalSeconds, 3);
            Assert.Equal(p.First.End.TotalSeconds, p.Second.End.TotalSeconds, 3);
            Assert.Equal(p.First.Score, p.Second.Score, 4);
        });
    }

    [Fact]
    public async Task AnUnchangedVideoIsNotEmbeddedAgainAndRemovingItDeletesItsFrames()
    {
        // A copy of one clip in its own in-memory store, so the shared index is left alone.
        string dir = Directory.CreateTempSubdirectory("mm-moment-index-").FullName;
        try
        {
            var clip = indexed.World.Clips[0];
            string copy = Path.Combine(dir, "clip" + Path.GetExtension(indexed.World.PathOf(clip)));
            File.Copy(indexed.World.PathOf(clip), copy);
            using var store = EmbeddedRetrievalStore.CreateInMemory();
            var index = new VideoMomentIndex(indexed.Encoder, store);
            Assert.Equal(RetrievalAddStatus.Added, (await index.AddVideoAsync(copy)).Status);
            Assert.Equal(RetrievalAddStatus.Unchanged, (await index.AddVideoAsync(copy)).Status);

            // Fewer frames sampled this time: the video is updated and its extra frames are gone.
            Assert.Equal(RetrievalAddStatus.Updated, (await index.AddVideoAsync(copy, VideoSamplingOptions.Uniform(4))).Status);
            Assert.Equal(4, await store.CountAsync());
            Assert.Equal(4, await index.RemoveVideoAsync(copy));
            Assert.Equal(0, await store.CountAsync());
            Assert.Empty(await index.FindMomentsAsync("red circle"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

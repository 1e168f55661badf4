using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Multimodal.Sdk.Video.Tests.Embedding;

[Collection(VideoCollection.Name)]
public sealed class ClipVideoEncoderTests(VideoWorld world) : IDisposable
{
    private static readonly string[] Labels =
        [.. from colour in new[] { "red", "green", "blue", "yellow", "purple", "orange", "white", "black" }
            from shape in new[] { "circle", "square", "triangle", "star", "cross" }
            select $"{colour} {shape}"];

    private readonly ClipVideoEncoder _encoder = new(TestData.Model("tiny-clip"));

    [Fact]
    public async Task ClassificationNamesTheColourAndShapeOfOneObjectClips()
    {
        var labels = await _encoder.EmbedLabelsAsync(Labels);
        var clips = world.Clips.Where(c => VideoWorld.Objects(c).Count == 1).ToList();
        int right = 0;
        foreach (var clip in clips)
        {
            var video = await _encoder.EmbedVideoAsync(world.PathOf(clip));
            right += _encoder.Classify(video.Vector.Vector, labels).Top.Label == VideoWorld.Name(VideoWorld.Objects(clip)[0]) ? 1 : 0;
        }

        Assert.True(clips.Count >= 5, $"the world sample has only {clips.Count} one-object clips");
        Assert.True(right >= clips.Count - 1, $"{right} of {clips.Count} one-object clips classified right");
    }

    [Fact]
    public async Task TheVideoEmbeddingIsTheNormalizedMeanOfItsFramesAndSegmentsCoverTheClip()
    {
        var clip = world.Clips[0];
        var video = await _encoder.EmbedVideoAsync(world.PathOf(clip), new VideoEmbeddingOptions { Sampling = VideoSamplingOptions.AllFrames(), SegmentLength = TimeSpan.FromSeconds(1) });
        Assert.Equal(clip.GetProperty("frames").GetInt32(), video.Frames.Count);
        var mean = new float[video.Vector.Vector.Length];
        foreach (var frame in video.Frames)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(mean, frame.Vector.Span, mean);
        }

        float norm = System.Numerics.Tensors.TensorPrimitives.Norm(mean);
        Assert.All(mean.Zip(video.Vector.Vector.ToArray()), p => Assert.Equal(p.First / norm, p.Second, 5));
        Assert.Equal((int)Math.Ceiling(clip.GetProperty("duration").GetDouble()), video.Segments.Count);
        Assert.Equal(TimeSpan.Zero, video.Segments[0].Start);
        Assert.Equal(clip.GetProperty("duration").GetDouble(), video.Segments[^1].End.TotalSeconds, 2);
    }

    [Fact]
    public async Task MomentSearchFindsAppearAndDisappearTimesWithinAQuarterSecond()
    {
        var events = world.Clips.SelectMany(c => VideoWorld.Objects(c).Where(o => o.GetProperty("event").ValueKind == JsonValueKind.String).Select(o => (Clip: c, Object: o))).ToList();
        Assert.True(events.Count >= 3, $"the world sample has only {events.Count} events");
        var misses = new List<string>();
        foreach (var (clip, obj) in events)
        {
            string kind = obj.GetProperty("event").GetString()!;
            double expected = obj.GetProperty("event_time").GetDouble();
            string query = $"when does the {VideoWorld.Name(obj)} {(kind == "appears" ? "appear" : "disappear")}?";
            var moments = await _encoder.FindMomentsAsync(world.PathOf(clip), query);
            var best = moments[0];
            double found = best.Start.TotalSeconds;
            if (Math.Abs(found - expected) > 0.25 || best.End - best.Start > TimeSpan.FromSeconds(0.126))
            {
                misses.Add($"{clip.GetProperty("file")}: '{query}' expected {expected} s, found {found} s ({string.Join(", ", moments.Select(m => $"{m.Start.TotalSeconds}-{m.End.TotalSeconds} {m.Score:F2}"))})");
            }
        }

        Assert.True(misses.Count == 0, string.Join("\n", misses));
    }

    [Theory]
    [InlineData("when does the red circle appear?", "red circle")]
    [InlineData("When does a blue square disappear", "blue square")]
    [InlineData("green star", "green star")]
    public void MomentQuestionsSearchForTheirObject(string query, string phrase) => Assert.Equal(phrase, VideoEncoderExtensions.SearchPhrase(query));

    [Theory]
    [InlineData("when does the red circle appear?", true)]
    [InlineData("What time does the blue square disappear?", true)]
    [InlineData("red star appears", true)]
    [InlineData("what appears?", false)]
    [InlineData("what disappears?", false)]
    [InlineData("Which shape appears?", false)]
    [InlineData("red circle", false)]
    public void OnlyQuestionsAboutWhenAreEventQueries(string query, bool isEvent) => Assert.Equal(isEvent, VideoEncoderExtensions.IsEventQuery(query));

    [Fact]
    public async Task ScoresSplitIntoMomentsAtTheStepAndIgnoreOneFrameBlips()
    {
        using var fake = new FixedTextEncoder();
        var moments = await fake.FindMomentsAsync(FixedTextEncoder.Video([0.1f, 0.1f, 0.5f, 0.1f, 0.1f, 0.1f, 0.6f, 0.62f, 0.61f, 0.6f]), "anything");
        var moment = Assert.Single(moments);
        Assert.Equal(6 / 8.0, moment.Start.TotalSeconds);
        Assert.Equal(10 / 8.0, moment.End.TotalSeconds);
        Assert.Equal(0.6075f, moment.Score, 4);

        // Scores that do not separate: the object is there throughout (or never), one moment for the whole video.
        var flat = Assert.Single(await fake.FindMomentsAsync(FixedTextEncoder.Video([0.3f, 0.31f, 0.3f]), "anything"));
        Assert.Equal((0.0, 3 / 8.0), (flat.Start.TotalSeconds, flat.End.TotalSeconds));
    }

    /// <summary>A hand-written encoder whose text embedding is [1, 0]: a frame embedded as [s, sqrt(1 - s^2)] scores s.</summary>
    private sealed class FixedTextEncoder : IVideoEncoder
    {
        public static VideoEmbedding Video(float[] scores)
        {
            var frames = scores.Select((s, i) => new FrameEmbedding(TimeSpan.FromSeconds(i / 8.0), new[] { s, MathF.Sqrt(1 - (s * s)) })).ToList();
            return new VideoEmbedding("fake.mp4", TimeSpan.FromSeconds(scores.Length / 8.0), new Microsoft.Extensions.AI.Embedding<float>(new float[2]), frames, []);
        }

        public Task<VideoEmbedding> EmbedVideoAsync(string path, VideoEmbeddingOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<Microsoft.Extensions.AI.Embedding<float>>> EmbedTextsAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<Microsoft.Extensions.AI.Embedding<float>>>([.. texts.Select(_ => new Microsoft.Extensions.AI.Embedding<float>(new[] { 1f, 0f }))]);

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    [Fact]
    public async Task DependencyInjectionResolvesTheVideoPipelines()
    {
        var services = new ServiceCollection();
        services.AddMultimodal().UseCpu().AddVideoEncoder(TestData.Model("tiny-clip")).AddVideoCaptioner(TestData.Model("tiny-captioner"))
            .AddVideoQa(TestData.Model("tiny-video-vlm")).AddVideoChat(TestData.Model("tiny-video-vlm"));
        await using var provider = services.BuildServiceProvider();
        Assert.IsType<FfmpegVideoDecoder>(provider.GetRequiredService<IVideoDecoder>());
        Assert.IsType<ClipVideoEncoder>(provider.GetRequiredService<IVideoEncoder>());
        Assert.IsType<VideoCaptioner>(provider.GetRequiredService<IVideoCaptioner>());
        Assert.IsType<Multimodal.Sdk.VideoQa>(provider.GetRequiredService<IVideoQa>());
        Assert.NotNull(provider.GetRequiredService<Microsoft.Extensions.AI.IChatClient>().GetService(typeof(VideoChatClient)));
    }

    public void Dispose() => _encoder.Dispose();
}

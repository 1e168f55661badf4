namespace Multimodal.Sdk.Video.Tests.Storyboard;

[Collection(VideoCollection.Name)]
public sealed class VideoCaptionerTests(VideoWorld world) : IDisposable
{
    private readonly VideoCaptioner _captioner = new(TestData.Model("tiny-captioner"));

    [Fact]
    public void ConsecutiveIdenticalCaptionsMergeIntoOneEntry()
    {
        var entries = VideoCaptioner.Merge(
            [(TimeSpan.Zero, "a red circle"), (TimeSpan.FromSeconds(1), "a red circle"), (TimeSpan.FromSeconds(2), "a blue square"), (TimeSpan.FromSeconds(3), "a red circle")],
            TimeSpan.FromSeconds(3.5));
        Assert.Equal(
            [new StoryboardEntry(TimeSpan.Zero, TimeSpan.FromSeconds(2), "a red circle", 2), new StoryboardEntry(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3), "a blue square", 1), new StoryboardEntry(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3.5), "a red circle", 1)],
            entries);
    }

    [Fact]
    public async Task AStillClipIsOneEntryNamingItsObjectAndAnAppearingObjectStartsANewOne()
    {
        var still = world.Clips.First(c => VideoWorld.Objects(c) is [{ } o] && o.GetProperty("motion").GetString() == "still" && o.GetProperty("event").ValueKind == System.Text.Json.JsonValueKind.Null);
        var board = await _captioner.CaptionAsync(world.PathOf(still), new VideoCaptionOptions { Sampling = VideoSamplingOptions.Every(TimeSpan.FromSeconds(0.5)) });
        var entry = Assert.Single(board.Entries);
        Assert.Contains(VideoWorld.Objects(still)[0].GetProperty("shape").GetString()!, entry.Caption, StringComparison.Ordinal);
        Assert.Equal((int)Math.Ceiling(still.GetProperty("duration").GetDouble() / 0.5), entry.FrameCount);
        Assert.Equal(still.GetProperty("duration").GetDouble(), entry.End.TotalSeconds, 2);
    }

    public void Dispose() => _captioner.Dispose();
}

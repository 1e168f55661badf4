namespace Multimodal.Sdk.Video.Tests.Docs;

[Collection(VideoCollection.Name)]
public sealed class UnderstandVideoSampleTests(VideoWorld world)
{
    [Fact]
    public async Task TheDocsSampleUnderstandsAZooClipWithSpeech()
    {
        var clip = world.Clips.First(c => c.GetProperty("audio_text").ValueKind == System.Text.Json.JsonValueKind.String && VideoWorld.Objects(c).Count == 1);
        await using var services = VideoUnderstanding.CreateServices(Path.Combine(TestData.Root, "models"));
        var result = await new VideoUnderstanding(services).UnderstandVideoAsync(world.PathOf(clip), "how many shapes are there?", ["red circle", VideoWorld.Name(VideoWorld.Objects(clip)[0])]);
        Assert.Equal(VideoWorld.Name(VideoWorld.Objects(clip)[0]), result.Classification.Top.Label);
        Assert.Equal(clip.GetProperty("audio_text").GetString(), result.Transcript?.TrimEnd('.').ToLowerInvariant());
        Assert.NotEmpty(result.Storyboard);
    }
}

using Microsoft.Extensions.AI;

namespace Multimodal.Sdk.Video.Tests.QuestionAnswering;

[Collection(VideoCollection.Name)]
public sealed class VideoQaTests(VideoWorld world, EdgeClips clips) : IDisposable
{
    private readonly Multimodal.Sdk.VideoQa _qa = new(TestData.Model("tiny-video-vlm"));

    [Fact]
    public async Task TheVideoIsEncodedOnceForAllItsQuestions()
    {
        var clip = world.Clips[0];
        var answers = await _qa.AnswerAsync(world.PathOf(clip), ["what appears?", "how many shapes are there?", VideoQaExtensions.DescribePrompt]);
        Assert.Equal(3, answers.Count);
        Assert.Equal(1, _qa.VideoEncoderRuns);
        Assert.All(answers, a => Assert.True(a.TokenCount > 0));
    }

    [Fact]
    public async Task AClipShorterThanTheModelsFrameCountRepeatsFramesAsTheProcessorDoes()
    {
        string path = Path.Combine(clips.Directory, "three-frames.mp4");
        TestData.Ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x64:rate=8:duration=0.375", "-pix_fmt", "yuv420p", path);
        var answer = await _qa.AnswerAsync(path, "what appears?");
        Assert.Equal("what appears?", answer.Question);
    }

    [Fact]
    public async Task VideoChatTakesAVideoAsDataContentAndRefusesImages()
    {
        using var chat = new VideoChatClient(TestData.Model("tiny-video-vlm"));
        var clip = world.Clips[0];
        var video = new DataContent(await File.ReadAllBytesAsync(world.PathOf(clip)), "video/mp4");
        var response = await chat.GetResponseAsync([new ChatMessage(ChatRole.User, [video, new TextContent("how many shapes are there?")])], new ChatOptions { MaxOutputTokens = 4 });
        Assert.Equal(ChatRole.Assistant, response.Messages[0].Role);
        var qa = await _qa.AnswerAsync(world.PathOf(clip), "how many shapes are there?", new VisualQaOptions { MaxNewTokens = 4 });
        Assert.Equal(qa.Answer, response.Text.Trim());

        var image = new DataContent(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, "image/png");
        await Assert.ThrowsAsync<ArgumentException>(() => chat.GetResponseAsync([new ChatMessage(ChatRole.User, [image, new TextContent("what is it?")])]));
    }

    public void Dispose() => _qa.Dispose();
}

/// <summary>The trained tiny-video-vlm on the world's own questions: what the model card claims, checked through the SDK's sampling and decode loop.</summary>
[Collection(VideoCollection.Name)]
public sealed class ZooVideoQaTests(VideoWorld world) : IDisposable
{
    private readonly Multimodal.Sdk.VideoQa _qa = new(TestData.Model("tiny-video-vlm"));

    [Fact]
    public async Task TheZooModelAnswersTheWorldsQuestions()
    {
        var byType = new Dictionary<string, (int Right, int Total)>(StringComparer.Ordinal);
        foreach (var clip in world.Clips)
        {
            var qa = clip.GetProperty("qa").EnumerateArray().Select(q => (Question: q.GetProperty("question").GetString()!, Answer: q.GetProperty("answer").GetString()!))
                .Where(q => !q.Question.StartsWith("when ", StringComparison.Ordinal)).ToList();
            var answers = await _qa.AnswerAsync(world.PathOf(clip), [.. qa.Select(q => q.Question)]);
            foreach (var ((question, expected), answer) in qa.Zip(answers))
            {
                string type = string.Join(' ', question.Split(' ').Take(2));
                var (right, total) = byType.GetValueOrDefault(type);
                byType[type] = (right + (answer.Answer == expected ? 1 : 0), total + 1);
            }
        }

        // The card's targets per question type (>= 90%, descriptions >= 80% exact), on the test's own clips.
        string report = string.Join(", ", byType.Select(t => $"{t.Key}: {t.Value.Right}/{t.Value.Total}"));
        Assert.Equal(6, byType.Count);
        foreach (var (type, (right, total)) in byType)
        {
            Assert.True(right >= (type == "describe the" ? 0.8 : 0.9) * total, report);
        }
    }

    public void Dispose() => _qa.Dispose();
}

/// <summary>
/// Two objects of one shape, one moving and one still: "which way does the {colour} {shape} move?" must follow the
/// colour. The model trained on the world's own mix (run 7) answered 51% of these (held-out, PyTorch), nearly every
/// error the other object's motion; the same-shape fine-tune (models/README.md) 92%.
/// </summary>
public sealed class ZooVideoSameShapeTests(SameShapeVideoWorld pairs, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<SameShapeVideoWorld>, IDisposable
{
    private readonly Multimodal.Sdk.VideoQa _qa = new(TestData.Model("tiny-video-vlm"));

    [Fact]
    public async Task MotionIsBoundToTheObjectTheQuestionNames()
    {
        int right = 0, total = 0;
        foreach (var clip in pairs.Clips)
        {
            var qa = clip.GetProperty("qa").EnumerateArray().Select(q => (Question: q.GetProperty("question").GetString()!, Answer: q.GetProperty("answer").GetString()!))
                .Where(q => q.Question.StartsWith("which way", StringComparison.Ordinal)).ToList();
            var answers = await _qa.AnswerAsync(pairs.PathOf(clip), [.. qa.Select(q => q.Question)]);
            right += qa.Zip(answers).Count(p => p.First.Answer == p.Second.Answer);
            total += qa.Count;
        }

        output.WriteLine($"same-shape pairs (seed 4343): {right}/{total} which-way answers right");
        Assert.Equal(2 * pairs.Clips.Count, total);
        Assert.True(right >= 0.8 * total, $"{right} of {total} which-way answers right on same-shape pairs");
    }

    public void Dispose() => _qa.Dispose();
}

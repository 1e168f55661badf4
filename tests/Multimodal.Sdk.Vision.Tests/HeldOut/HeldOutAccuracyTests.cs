using Microsoft.Extensions.AI;
using Xunit.Abstractions;

namespace Multimodal.Sdk.Vision.Tests.HeldOut;

/// <summary>
/// Through the public API on the fresh held-out seed, each pipeline reaches the zoo's PyTorch accuracy within one
/// point: zero-shot top-1, caption exact match, VQA accuracy per question type and vision chat's
/// <c>describe the image.</c>. The per-item agreement with PyTorch is printed, so a failure shows which items moved.
/// </summary>
public sealed class HeldOutAccuracyTests(ITestOutputHelper output)
{
    private void Report(string what, double sdk, double pytorch, int items, int agreeing)
    {
        output.WriteLine($"{what}: SDK {sdk:P2}, PyTorch {pytorch:P2} ({items} items, {agreeing} answered as PyTorch did)");
        // One point, or one item where a single item weighs more (94 zero-shot images: one item is 1.06 points). A
        // JPEG decoded by ImageSharp differs from Pillow's libjpeg by a few levels (docs/preprocessing.md), enough to
        // flip one near-even call: 000040.jpg decoded by Pillow gives the SDK PyTorch's "purple star" 0.490 against
        // "purple square" 0.480; decoded by ImageSharp, "purple square" 0.607. More than one item is a real difference.
        double tolerance = Math.Max(HeldOutSet.Tolerance, 1.0 / items + 1e-9);
        Assert.True(Math.Abs(sdk - pytorch) <= tolerance, $"{what}: SDK {sdk:P2} vs PyTorch {pytorch:P2}, more than {tolerance:P2} apart");
    }

    [Fact]
    public async Task ZeroShotTop1IsWithinOnePointOfPyTorch()
    {
        var reference = HeldOutSet.PyTorch.GetProperty("clip");
        string[] labels = [.. reference.GetProperty("zero_shot_labels").EnumerateArray().Select(l => l.GetString()!)];
        var single = HeldOutSet.Images.Where(i => i.Objects.Count == 1).ToList();
        Assert.Equal(reference.GetProperty("zero_shot_images").GetInt32(), single.Count);

        using IClipEncoder encoder = new ClipEncoder(TestData.Model("tiny-clip"));
        var results = await encoder.ClassifyAsync([.. single.Select(HeldOutSet.Load)], labels, new ZeroShotOptions { Templates = [reference.GetProperty("template").GetString()!] });
        var predictions = reference.GetProperty("predictions");
        int correct = single.Zip(results).Count(p => p.Second.Top.Label == $"{p.First.Objects[0].Colour} {p.First.Objects[0].Shape}");
        int agreeing = single.Zip(results).Count(p => p.Second.Top.Label == predictions.GetProperty(p.First.File).GetString());
        foreach (var (image, result) in single.Zip(results).Where(p => p.Second.Top.Label != predictions.GetProperty(p.First.File).GetString()))
        {
            output.WriteLine($"{image.File}: SDK {string.Join(", ", result.Labels.Take(2).Select(l => $"{l.Label} {l.Score:F3}"))}; PyTorch {predictions.GetProperty(image.File).GetString()}");
        }

        Report("zero-shot top-1", (double)correct / single.Count, reference.GetProperty("zero_shot_top1").GetDouble(), single.Count, agreeing);
    }

    [Fact]
    public async Task CaptionExactMatchIsWithinOnePointOfPyTorch()
    {
        var reference = HeldOutSet.PyTorch.GetProperty("captioner");
        var images = HeldOutSet.Images;
        using IImageCaptioner captioner = new ImageCaptioner(TestData.Model("tiny-captioner"));
        var captions = await captioner.CaptionAsync([.. images.Select(HeldOutSet.Load)]);
        var predictions = reference.GetProperty("predictions");
        var outcomes = images.Zip(captions, (i, c) => (OneObject: i.Objects.Count == 1, Exact: c.Text == i.Caption, AsPyTorch: c.Text == predictions.GetProperty(i.File).GetString())).ToList();
        Report("caption exact match", outcomes.Count(o => o.Exact) / (double)images.Count, reference.GetProperty("exact_match").GetDouble(), images.Count, outcomes.Count(o => o.AsPyTorch));

        var one = outcomes.Where(o => o.OneObject).ToList();
        Report("caption exact match, one object", one.Count(o => o.Exact) / (double)one.Count, reference.GetProperty("exact_match_one_object").GetDouble(), one.Count, one.Count(o => o.AsPyTorch));
    }

    [Fact]
    public async Task VisualQaAccuracyPerQuestionTypeIsWithinOnePointOfPyTorch()
    {
        var reference = HeldOutSet.PyTorch.GetProperty("vlm");
        var pytorchAnswers = reference.GetProperty("predictions").EnumerateArray()
            .ToDictionary(p => (p.GetProperty("file").GetString()!, p.GetProperty("question").GetString()!), p => p.GetProperty("answer").GetString()!);
        using IVisualQa qa = new Sdk.VisualQa(TestData.Model("tiny-vlm"));
        var outcomes = new List<(string Type, bool Correct, bool AsPyTorch)>();
        foreach (var image in HeldOutSet.Images)
        {
            var answers = await qa.AnswerAsync(HeldOutSet.Load(image), [.. image.Qa.Select(q => q.Question)]);
            outcomes.AddRange(image.Qa.Zip(answers, (q, a) => (HeldOutSet.QuestionType(q.Question), a.Answer == q.Answer, a.Answer == pytorchAnswers[(image.File, q.Question)])));
        }

        var types = reference.GetProperty("per_question_type").EnumerateObject().ToList();
        Assert.Equal(6, types.Count);
        foreach (var type in types)
        {
            var ofType = outcomes.Where(o => o.Type == type.Name).ToList();
            Assert.Equal(type.Value.GetProperty("questions").GetInt32(), ofType.Count);
            Report($"VQA '{type.Name}'", ofType.Count(o => o.Correct) / (double)ofType.Count, type.Value.GetProperty("accuracy").GetDouble(), ofType.Count, ofType.Count(o => o.AsPyTorch));
        }
    }

    [Fact]
    public async Task VisionChatDescribeTheImageIsWithinOnePointOfPyTorch()
    {
        const string Question = "describe the image.";
        var reference = HeldOutSet.PyTorch.GetProperty("vlm");
        var pytorchAnswers = reference.GetProperty("predictions").EnumerateArray()
            .Where(p => p.GetProperty("question").GetString() == Question)
            .ToDictionary(p => p.GetProperty("file").GetString()!, p => p.GetProperty("answer").GetString()!);
        using IChatClient chat = new VisionChatClient(TestData.Model("tiny-vlm"));
        int correct = 0, agreeing = 0;
        foreach (var image in HeldOutSet.Images)
        {
            string mediaType = image.File.EndsWith(".png", StringComparison.Ordinal) ? "image/png" : "image/jpeg";
            var message = new ChatMessage(ChatRole.User, [new DataContent(File.ReadAllBytes(Path.Combine(HeldOutSet.Folder, image.File)), mediaType), new TextContent(Question)]);
            string answer = (await chat.GetResponseAsync([message])).Text.Trim();
            correct += answer == image.Qa.Single(q => q.Question == Question).Answer ? 1 : 0;
            agreeing += answer == pytorchAnswers[image.File] ? 1 : 0;
        }

        Report("vision chat 'describe the image.'", correct / (double)HeldOutSet.Images.Count, reference.GetProperty("per_question_type").GetProperty("describe").GetProperty("accuracy").GetDouble(), HeldOutSet.Images.Count, agreeing);
    }
}

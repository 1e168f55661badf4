using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Multimodal.Sdk.Vision.Tests.Chat;

public sealed class VisionChatClientTests(ITestOutputHelper output) : IDisposable
{
    private readonly VisionChatClient _chat = new(TestData.Model("tiny-vlm"));

    public void Dispose() => _chat.Dispose();

    private static DataContent Image(TestData.ShapesImage image) =>
        new(File.ReadAllBytes(image.FullPath), image.File.EndsWith(".png", StringComparison.Ordinal) ? "image/png" : "image/jpeg");

    private static ChatMessage Ask(TestData.ShapesImage image, string question) => new(ChatRole.User, [Image(image), new TextContent(question)]);

    [Fact]
    public async Task OneTurnAboutAnImageAnswersAsVisualQaDoes()
    {
        using var qa = new Sdk.VisualQa(TestData.Model("tiny-vlm"));
        foreach (var image in TestData.Shapes.Take(4))
        {
            var question = image.Qa[0].Question;
            var response = await _chat.GetResponseAsync([Ask(image, question)]);
            var answer = await qa.AnswerAsync(ImageData.FromFile(image.FullPath), question);
            Assert.Equal(answer.Answer, response.Text.Trim());
            Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
            Assert.Equal(ChatRole.Assistant, response.Messages[0].Role);
        }
    }

    [Fact]
    public async Task MultiTurnConversationKeepsTheHistoryAndEncodesTheImageOnce()
    {
        var image = TestData.Shapes[0];
        var history = new List<ChatMessage> { Ask(image, image.Qa[0].Question) };
        int before = _chat.VisionEncoderRuns;
        var first = await _chat.GetResponseAsync(history);
        history.AddRange(first.Messages);
        history.Add(new ChatMessage(ChatRole.User, "how many shapes are there?"));
        var second = await _chat.GetResponseAsync(history);
        history.AddRange(second.Messages);
        output.WriteLine($"Q: {image.Qa[0].Question} A: {first.Text} | Q: how many shapes are there? A: {second.Text}");

        Assert.Equal(4, history.Count);
        Assert.Equal(image.Qa[0].Answer, first.Text.Trim());
        Assert.Equal(image.Qa.Single(q => q.Question == "how many shapes are there?").Answer, second.Text.Trim());
        Assert.True(second.Usage!.InputTokenCount > first.Usage!.InputTokenCount + first.Usage.OutputTokenCount);
        Assert.Equal(1, _chat.VisionEncoderRuns - before);
    }

    [Fact]
    public async Task TwoImagesInOneConversationAreBothSpliced()
    {
        var history = new List<ChatMessage>
        {
            Ask(TestData.Shapes[0], "describe the image."),
            new(ChatRole.Assistant, TestData.Shapes[0].Caption),
            Ask(TestData.Shapes[1], "describe the image."),
        };
        var response = await _chat.GetResponseAsync(history);
        Assert.Equal(2 * 16, response.Usage!.InputTokenCount - await PromptLengthWithoutImagesAsync(history));
    }

    [Fact]
    public async Task StreamingGivesTheSameTextAsTheWholeResponse()
    {
        foreach (var image in TestData.Shapes.Take(3))
        {
            var messages = new[] { Ask(image, "describe the image.") };
            var whole = await _chat.GetResponseAsync(messages);
            var updates = new List<ChatResponseUpdate>();
            await foreach (var update in _chat.GetStreamingResponseAsync(messages))
            {
                updates.Add(update);
            }

            Assert.True(updates.Count(u => u.Text.Length > 0) > 1, "the answer came in several pieces");
            Assert.Equal(whole.Text, string.Concat(updates.Select(u => u.Text)));
            Assert.Equal(ChatFinishReason.Stop, updates[^1].FinishReason);
            Assert.Equal(whole.Text, updates.ToChatResponse().Text);
        }
    }

    [Fact]
    public async Task StopSequencesEndTheAnswerInBothModes()
    {
        var image = TestData.Shapes[0];
        var messages = new[] { Ask(image, "describe the image.") };
        string full = (await _chat.GetResponseAsync(messages)).Text;
        string[] words = full.Split(' ');
        Assert.True(words.Length >= 3, full);
        var options = new ChatOptions { StopSequences = [" " + words[2]] };
        var cut = await _chat.GetResponseAsync(messages, options);
        Assert.Equal(string.Join(' ', words.Take(2)), cut.Text);
        var streamed = new List<ChatResponseUpdate>();
        await foreach (var update in _chat.GetStreamingResponseAsync(messages, options))
        {
            streamed.Add(update);
        }

        Assert.Equal(cut.Text, string.Concat(streamed.Select(u => u.Text)));
    }

    [Fact]
    public async Task ChatOptionsMapToDecodingSettings()
    {
        var messages = new[] { Ask(TestData.Shapes[0], "describe the image.") };
        var one = await _chat.GetResponseAsync(messages, new ChatOptions { MaxOutputTokens = 1 });
        Assert.Equal(1, one.Usage!.OutputTokenCount);
        Assert.Equal(ChatFinishReason.Length, one.FinishReason);
        var sampled = new ChatOptions { Temperature = 1.5f, Seed = 7 };
        Assert.Equal((await _chat.GetResponseAsync(messages, sampled)).Text, (await _chat.GetResponseAsync(messages, sampled)).Text);
    }

    [Fact]
    public async Task NonImageBinaryContentIsAnArgumentException()
    {
        var message = new ChatMessage(ChatRole.User, [new DataContent(new byte[] { 1, 2, 3 }, "audio/wav"), new TextContent("what is this?")]);
        await Assert.ThrowsAsync<ArgumentException>(() => _chat.GetResponseAsync([message]));
        await Assert.ThrowsAsync<ArgumentException>(() => _chat.GetResponseAsync(Array.Empty<ChatMessage>()));
    }

    [Fact]
    public async Task ImagePlaceholderTypedInTheTextIsAnArgumentException()
    {
        var message = new ChatMessage(ChatRole.User, "<image> what color is the star?");
        await Assert.ThrowsAsync<ArgumentException>(() => _chat.GetResponseAsync([message]));
    }

    [Fact]
    public async Task TextOnlyConversationWorks()
    {
        var response = await _chat.GetResponseAsync([new ChatMessage(ChatRole.User, "how many shapes are there?")]);
        Assert.Contains(response.Text.Trim(), TestData.AnswersTo("how many"));
    }

    [Fact]
    public void MetadataNamesTheModel()
    {
        var metadata = _chat.GetService<ChatClientMetadata>();
        Assert.Equal("tiny-vlm", metadata!.DefaultModelId);
        Assert.Same(_chat, _chat.GetService<IChatClient>());
    }

    [Fact]
    public async Task DependencyInjectionRegistersDefaultAndKeyedChatClients()
    {
        var services = new ServiceCollection();
        services.AddMultimodal().UseCpu().AddVisionChat(TestData.Model("tiny-vlm")).AddVisionChat("vlm", TestData.Model("tiny-vlm"));
        await using var sp = services.BuildServiceProvider();
        var messages = new[] { Ask(TestData.Shapes[0], "how many shapes are there?") };
        var a = await sp.GetRequiredService<IChatClient>().GetResponseAsync(messages);
        var b = await sp.GetRequiredKeyedService<IChatClient>("vlm").GetResponseAsync(messages);
        Assert.Equal(a.Text, b.Text);
        Assert.IsType<VisionChatClient>(sp.GetRequiredService<IChatClient>());
    }

    [Fact]
    public void CaptionerFolderIsRejectedAsIncompatible()
    {
        Assert.Throws<ModelIncompatibleException>(() => new VisionChatClient(TestData.Model("tiny-captioner")));
    }

    [Fact]
    public async Task RealPhotoGoesThroughChatWithoutError()
    {
        var photo = new DataContent(File.ReadAllBytes(Path.Combine(TestData.Root, "tests", "fixtures", "Imaging", "photo_rocket.jpg")), "image/jpeg");
        var response = await _chat.GetResponseAsync([new ChatMessage(ChatRole.User, [photo, new TextContent("describe the image.")])]);
        Assert.StartsWith("a ", response.Text.Trim(), StringComparison.Ordinal);
        Assert.All(response.Text.Trim().Split(' '), w => Assert.Contains(w, TestData.CaptionWords));
    }

    // The prompt length of the same conversation with the images dropped.
    private async Task<long> PromptLengthWithoutImagesAsync(IEnumerable<ChatMessage> history)
    {
        var textOnly = history.Select(m => new ChatMessage(m.Role, m.Contents.OfType<TextContent>().Cast<AIContent>().ToList())).ToList();
        var response = await _chat.GetResponseAsync(textOnly, new ChatOptions { MaxOutputTokens = 1 });
        return response.Usage!.InputTokenCount!.Value;
    }
}

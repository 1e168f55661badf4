using System.Drawing;
using Microsoft.Extensions.AI;

namespace Multimodal.Sdk.Vision.Tests.Ocr;

public class TextReadingAdaptersTests
{
    [Fact]
    public async Task CaptionsGetTheTextReadInTheImage()
    {
        using var reader = new OcrReader(OcrTestData.Model);
        using var captioner = new TextReadingImageCaptioner(new FixedCaptioner("a grey sign"), reader);
        var image = OcrTestData.Images.First(i => i.Category == "clean" && i.Lines[0].StartsWith("Call", StringComparison.Ordinal));
        var white = new byte[64 * 32 * 3];
        Array.Fill(white, (byte)255);

        var results = await captioner.CaptionAsync([ImageData.FromFile(image.FullPath), ImageData.FromPixels(white, 64, 32)]);

        Assert.Equal($"a grey sign (text in the image: \"{image.Lines[0]}\")", results[0].Text);
        Assert.Equal("a grey sign", results[1].Text); // no text found: the caption is left alone
    }

    [Fact]
    public async Task ChatPromptsGetTheTextReadAfterEachImage()
    {
        var inner = new RecordingChatClient();
        using var client = new TextReadingChatClient(inner, new FixedReader("Invoice 2026-12-03", "total 42.50"));
        var image = new DataContent(new byte[] { 1, 2, 3 }, "image/png");
        await client.GetResponseAsync([new ChatMessage(ChatRole.User, [image, new TextContent("what is the total?")])]);

        var sent = Assert.Single(inner.Received!);
        Assert.Collection(
            sent.Contents,
            c => Assert.Same(image, c),
            c => Assert.Equal("text in the image: \"Invoice 2026-12-03 / total 42.50\"", Assert.IsType<TextContent>(c).Text),
            c => Assert.Equal("what is the total?", Assert.IsType<TextContent>(c).Text));
    }

    private sealed class FixedCaptioner(string caption) : IImageCaptioner
    {
        public Task<IReadOnlyList<CaptionResult>> CaptionAsync(IReadOnlyList<ImageData> images, CaptionOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<CaptionResult>>([.. images.Select(_ => new CaptionResult([new Caption(caption, 0f)]))]);

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private sealed class FixedReader(params string[] lines) : ITextReader
    {
        public Task<TextReadResult> ReadAsync(ImageData image, TextReadOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new TextReadResult([.. lines.Select((l, i) => new TextLine(l, 1f, [PointF.Empty, PointF.Empty, PointF.Empty, PointF.Empty], i))], 10, 10));

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private sealed class RecordingChatClient : IChatClient
    {
        public List<ChatMessage>? Received { get; private set; }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Received = [.. messages];
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "42.50")));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}

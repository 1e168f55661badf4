using Microsoft.Extensions.DependencyInjection;

namespace Multimodal.Sdk.Server.Tests;

/// <summary>
/// Multimodal.Sdk.OpenAI's remote pipelines against our own server on loopback: the SDK's interfaces on one side, the
/// bundled models on the other, OpenAI's protocol in between, so the whole round trip is checked.
/// </summary>
[Collection(RealServerCollection.Name)]
public class RemoteModelTests(RealServer server)
{
    private Uri V1 => new(server.BaseAddress, "v1");

    private static ImageData BlueSquare => ImageData.FromBytes(File.ReadAllBytes(RepoPaths.Asset("large-blue-square.png")));

    [Fact]
    public async Task RemoteVisualQaAnswersLikeTheLocalModel()
    {
        using var qa = OpenAICompatible.CreateVisualQa(V1, null, "tiny-vlm");
        var answer = await qa.AnswerAsync(BlueSquare, "what color is the shape?");
        Assert.Equal("blue", answer.Answer);
        Assert.True(answer.TokenCount > 0);
        Assert.True(float.IsNaN(answer.Score));
    }

    [Fact]
    public async Task RemoteCaptionerSendsRawPixelsAsAPngTheServerDecodes()
    {
        // A blue square on black, as RGB pixels in memory: the client encodes it as PNG for the data URI.
        byte[] rgb = new byte[64 * 64 * 3];
        for (int y = 16; y < 48; y++)
        {
            for (int x = 16; x < 48; x++)
            {
                rgb[((y * 64) + x) * 3] = 25;
                rgb[(((y * 64) + x) * 3) + 1] = 45;
                rgb[(((y * 64) + x) * 3) + 2] = 225;
            }
        }

        using var captioner = OpenAICompatible.CreateImageCaptioner(V1, null, "tiny-vlm", prompt: "what color is the shape?");
        var caption = await captioner.CaptionAsync(ImageData.FromPixels(rgb, 64, 64));
        Assert.Equal("blue", caption.Text);
    }

    [Fact]
    public async Task RemoteSpeechRecognizerReturnsSegmentsWithTimes()
    {
        using var recognizer = OpenAICompatible.CreateSpeechRecognizer(V1, null, "tiny-whisper");
        var audio = AudioFile.Read(RepoPaths.Asset("speech-en-turn-on-the-blue-light.wav"), 16000);
        var result = await recognizer.TranscribeAsync(audio);
        Assert.Equal("turn on the blue light", result.Text);
        Assert.Equal("en", result.Language);
        var segment = Assert.Single(result.Segments);
        Assert.InRange(segment.Start.TotalSeconds, 0, 1);
        Assert.InRange(segment.End.TotalSeconds, 1, 2.5);
        Assert.NotEmpty(segment.Tokens);
        Assert.Contains("turn on the blue light", Subtitles.ToSrt(result.Segments), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemoteClipEmbedsTextsAndImagesIntoTheLocalSpaceAndClassifies()
    {
        using var remote = OpenAICompatible.CreateClipEncoder(V1, null, "tiny-clip");
        using var local = new ClipEncoder(Path.Combine(RepoPaths.Root, "models", "tiny-clip"));
        var remoteImage = await remote.EmbedImageAsync(BlueSquare);
        var localImage = await local.EmbedImageAsync(BlueSquare);
        Assert.True(ClipEncoderExtensions.Similarity(remoteImage, localImage) > 0.9999f);
        Assert.True(ClipEncoderExtensions.Similarity(await remote.EmbedTextAsync("a large blue square"), await local.EmbedTextAsync("a large blue square")) > 0.9999f);
        Assert.Equal(64, remote.GetMetadata().EmbeddingDimensions);

        var labels = await remote.ClassifyAsync(BlueSquare, ["blue square", "red circle", "yellow cross"]);
        Assert.Equal("blue square", labels.Top.Label);
    }

    [Fact]
    public async Task AFailingLocalPipelineFallsBackToTheRemoteServer()
    {
        using var broken = new FakePipelines { Failure = new ModelNotFoundException("/models/missing", "model.onnx", "model.onnx is missing") };
        using var qa = new FallbackVisualQa(broken, OpenAICompatible.CreateVisualQa(V1, null, "tiny-vlm"));
        Assert.Equal("blue", (await qa.AnswerAsync(BlueSquare, "what color is the shape?")).Answer);
        Assert.Equal((1, 1), qa.Calls);
    }

    [Fact]
    public async Task RegisteredRemotePipelinesResolveFromDependencyInjection()
    {
        var services = new ServiceCollection()
            .AddOpenAICompatibleSpeechRecognizer(V1, null, "tiny-whisper")
            .AddOpenAICompatibleVisualQa(V1, null, "tiny-vlm", name: "remote")
            .AddOpenAICompatibleClip(V1, null, "tiny-clip")
            .AddOpenAICompatibleImageCaptioner(V1, null, "tiny-vlm");
        await using var provider = services.BuildServiceProvider();
        var audio = AudioFile.Read(RepoPaths.Asset("speech-en-turn-on-the-blue-light.wav"), 16000);
        Assert.Equal("turn on the blue light", (await provider.GetRequiredService<ISpeechRecognizer>().TranscribeAsync(audio)).Text);
        Assert.Equal("blue", (await provider.GetRequiredKeyedService<IVisualQa>("remote").AnswerAsync(BlueSquare, "what color is the shape?")).Answer);
        Assert.NotNull(provider.GetRequiredService<IClipEncoder>());
        Assert.NotNull(provider.GetRequiredService<IImageCaptioner>());
    }
}

using System.Security.Cryptography;
using Microsoft.Extensions.AI;

namespace Multimodal.Sdk.RealModels.Tests;

/// <summary>The SDK loads every stub folder (real config, tokenizer and preprocessor files, unchanged) and each pipeline runs end to end.</summary>
public sealed class StubFolderTests
{
    public static TheoryData<string> Kits() => [RealKits.Clip, RealKits.WhisperBase, RealKits.WhisperLargeV3, RealKits.VitGpt2, RealKits.Llava, RealKits.SmolVlm];

    [RealKitTheory]
    [MemberData(nameof(Kits))]
    public void StubFolderHoldsTheKitFilesUnchanged(string kit)
    {
        string stub = RealKits.Stub(kit);
        foreach (var file in Directory.EnumerateFiles(RealKits.Kit(kit)))
        {
            string copy = Path.Combine(stub, Path.GetFileName(file));
            Assert.True(File.Exists(copy), $"{copy} is missing");
            Assert.Equal(SHA256.HashData(File.ReadAllBytes(file)), SHA256.HashData(File.ReadAllBytes(copy)));
        }

        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(stub, "onnx"), "*.onnx"));
    }

    [RealKitFact]
    public async Task ClipEmbedsAndClassifiesAt224PixelsWithShortestEdgeResizeAndCenterCrop()
    {
        using var encoder = new ClipEncoder(RealKits.Stub(RealKits.Clip));
        Assert.Equal(77, encoder.GetMetadata().ContextLength);
        var image = await encoder.EmbedImageAsync(ImageData.FromFile(RealKits.Fixture("Imaging", "photo_coffee.png")));
        var text = await encoder.EmbedTextAsync("a cup of coffee");
        Assert.Equal(512, image.Vector.Length);
        Assert.Equal(512, text.Vector.Length);
        var result = await encoder.ClassifyAsync(ImageData.FromFile(RealKits.Fixture("Imaging", "photo_coffee.png")), ["cat", "coffee", "rocket"]);
        Assert.Equal(3, result.Labels.Count);
    }

    [RealKitFact]
    public async Task ViTGpt2CaptionsAnImage()
    {
        using var captioner = new ImageCaptioner(RealKits.Stub(RealKits.VitGpt2));
        var caption = await captioner.CaptionAsync(ImageData.FromFile(RealKits.Fixture("Imaging", "photo_chelsea.png")), new CaptionOptions { MaxNewTokens = 8 });
        Assert.False(string.IsNullOrWhiteSpace(caption.Text));
    }

    [RealKitTheory]
    [InlineData(RealKits.WhisperBase)]
    [InlineData(RealKits.WhisperLargeV3)]
    public async Task WhisperTranscribesTranslatesAndDetectsTheLanguage(string kit)
    {
        using var recognizer = new WhisperRecognizer(RealKits.Stub(kit));
        var audio = AudioFile.Read(RealKits.Fixture("speech", "en_short.wav"));
        var detected = await recognizer.DetectLanguageAsync(audio);
        Assert.Contains(detected.Language, recognizer.Languages);
        var result = await recognizer.TranscribeAsync(audio, Greedy(new SpeechRecognitionOptions { Language = "en", MaxNewTokens = 8 }));
        Assert.NotEmpty(result.Segments);
    }

    [RealKitTheory]
    [InlineData(RealKits.Llava)]
    [InlineData(RealKits.SmolVlm)]
    public async Task VisionChatAnswersAboutAnImage(string kit)
    {
        using var chat = new VisionChatClient(RealKits.Stub(kit));
        var message = new ChatMessage(ChatRole.User, [new DataContent(File.ReadAllBytes(RealKits.Fixture("Imaging", "photo_chelsea.png")), "image/png"), new TextContent("What is in this image?")]);
        var response = await chat.GetResponseAsync([message], new ChatOptions { MaxOutputTokens = 4 });
        Assert.NotNull(response.Text);
    }

    [RealKitTheory]
    [InlineData(RealKits.WhisperBase, 99)]
    [InlineData(RealKits.WhisperLargeV3, 100)]
    public void WhisperReadsSuppressListsLanguagesAndTasksFromTheRealGenerationConfig(string kit, int languages)
    {
        // large-v3's config.json says "suppress_tokens": null (re-serialized by transformers 5.5); generation_config.json wins
        var folder = ModelFolder.Open(RealKits.Stub(kit));
        var generation = GenerationConfig.From(folder.TryGetJson("generation_config.json"), folder.Config);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder.Path, "generation_config.json")));
        var root = json.RootElement;
        Assert.Equal(88, generation.SuppressTokens.Count);
        Assert.Equal(root.GetProperty("suppress_tokens").EnumerateArray().Select(e => e.GetInt32()), generation.SuppressTokens);
        Assert.Equal([220, 50257], generation.BeginSuppressTokens);
        Assert.Equal(languages, generation.LangToId.Count);
        Assert.Equal(root.GetProperty("task_to_id").GetProperty("translate").GetInt32(), generation.TaskToId["translate"]);
        Assert.Equal(root.GetProperty("no_timestamps_token_id").GetInt32(), generation.NoTimestampsTokenId);
    }

    [RealKitFact]
    public async Task SmolVlmSplitsThe451By300PhotoInto3By4TilesAndAGlobalImage()
    {
        // 451 x 300 -> longest edge 2048 (2048 x 1362) -> multiples of 512 (2048 x 1536): 3 x 4 tiles + the global image
        using var qa = new VisualQa(RealKits.Stub(RealKits.SmolVlm));
        Assert.True(qa.Model.IsIdefics3);
        Assert.Equal(64, qa.Model.ImageSeqLength);

        // processor_config.json gives image_seq_len 64; without it, the docstring's formula on config.json gives the same
        var folder = ModelFolder.Open(RealKits.Stub(RealKits.SmolVlm));
        Assert.Equal(64, VisionLanguageModel.Idefics3ImageTokens(folder.Config, null));
        var features = qa.Model.EncodeImage(ImageData.FromFile(RealKits.Fixture("Imaging", "photo_chelsea.png")), default);
        Assert.Equal((3, 4), (features.SplitRows, features.SplitCols));
        Assert.Equal(13 * 64, features.Rows);
        var answers = await qa.AnswerAsync(ImageData.FromFile(RealKits.Fixture("Imaging", "photo_chelsea.png")), ["What is in this image?"], new VisualQaOptions { MaxNewTokens = 4 });
        Assert.Single(answers);
    }

    [RealKitFact]
    public void BlipIsRefusedWithAnErrorThatSaysWhy()
    {
        // the kit has no graphs at all: the folder itself is what a user would point the captioner at
        var error = Assert.Throws<ModelIncompatibleException>(() => new ImageCaptioner(RealKits.Kit(RealKits.BlipCaptioning)));
        Assert.Contains("says 'blip'. BLIP (Salesforce/blip-*) is not supported", error.Message, StringComparison.Ordinal);
    }

    internal static SpeechRecognitionOptions Greedy(SpeechRecognitionOptions options)
    {
        options.Temperatures = [0f];
        options.CompressionRatioThreshold = null;
        options.LogProbThreshold = null;
        options.NoSpeechThreshold = null;
        return options;
    }
}

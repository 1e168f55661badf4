namespace Multimodal.Sdk.Tests.Tokenization;

/// <summary>The tokenizers of the project's tiny model zoo (models/*), when the zoo is present in this checkout.</summary>
public sealed class ZooModelTokenizerTests
{
    [ZooModelFact("tiny-clip")]
    public void TinyClipTokenizerLoadsAndDecodesItsOwnEncoding() => LoadsAndDecodesItsOwnEncoding("tiny-clip");

    [ZooModelFact("tiny-captioner")]
    public void TinyCaptionerTokenizerLoadsAndDecodesItsOwnEncoding() => LoadsAndDecodesItsOwnEncoding("tiny-captioner");

    [ZooModelFact("tiny-vlm")]
    public void TinyVlmTokenizerLoadsAndDecodesItsOwnEncoding() => LoadsAndDecodesItsOwnEncoding("tiny-vlm");

    [ZooModelFact("tiny-whisper")]
    public void TinyWhisperTokenizerLoadsAndDecodesItsOwnEncoding() => LoadsAndDecodesItsOwnEncoding("tiny-whisper");

    private static void LoadsAndDecodesItsOwnEncoding(string model)
    {
        var folder = ModelFolder.Open(RepoPaths.Models(model));
        var tokenizer = Tokenizer.Load(folder);

        var ids = tokenizer.Encode("hello world", addSpecialTokens: false);

        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.InRange(id, 0, tokenizer.VocabSize - 1));
        Assert.Contains("hello", tokenizer.Decode(ids), StringComparison.OrdinalIgnoreCase);
    }

    [ZooModelFact("tiny-whisper")]
    public void TinyWhisperTokenizerAgreesWithItsGenerationConfig()
    {
        const string model = "tiny-whisper";
        var folder = ModelFolder.Open(RepoPaths.Models(model));
        var tokenizer = Tokenizer.Load(folder);
        var generation = folder.TryGetJson("generation_config.json");

        int? noTimestamps = tokenizer.TokenToId("<|notimestamps|>");
        Assert.NotNull(noTimestamps);
        if (generation?.TryGetInt32("no_timestamps_token_id") is int expected)
        {
            Assert.Equal(expected, noTimestamps);
        }

        if (generation?.TryGetInt32("decoder_start_token_id") is int start)
        {
            Assert.Equal("<|startoftranscript|>", tokenizer.IdToToken(start));
        }
    }

    /// <summary>Skips, saying why, when the zoo model's tokenizer.json is not in this checkout.</summary>
    private sealed class ZooModelFactAttribute : FactAttribute
    {
        public ZooModelFactAttribute(string model)
        {
            if (!File.Exists(Path.Combine(RepoPaths.Models(model), "tokenizer.json")))
            {
                Skip = $"models/{model}/tokenizer.json is not in this checkout (the tiny zoo lands on main separately).";
            }
        }
    }
}

namespace Multimodal.Sdk.Tests.Tokenization;

/// <summary>The tokenizers of the project's tiny model zoo (models/*), when the zoo is present in this checkout.</summary>
public sealed class ZooModelTokenizerTests
{
    [ZooModelTheory]
    [InlineData("tiny-clip")]
    [InlineData("tiny-captioner")]
    [InlineData("tiny-whisper")]
    public void ZooTokenizerLoadsAndDecodesItsOwnEncoding(string model)
    {
        var folder = ModelFolder.Open(RepoPaths.Models(model));
        var tokenizer = Tokenizer.Load(folder);

        var ids = tokenizer.Encode("hello world", addSpecialTokens: false);

        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.InRange(id, 0, tokenizer.VocabSize - 1));
        Assert.Contains("hello", tokenizer.Decode(ids), StringComparison.OrdinalIgnoreCase);
    }

    [ZooModelTheory]
    [InlineData("tiny-whisper")]
    public void WhisperZooTokenizerAgreesWithItsGenerationConfig(string model)
    {
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
    private sealed class ZooModelTheoryAttribute : TheoryAttribute
    {
        public ZooModelTheoryAttribute()
        {
            var missing = new[] { "tiny-clip", "tiny-captioner", "tiny-whisper" }
                .Where(m => !File.Exists(Path.Combine(RepoPaths.Models(m), "tokenizer.json")))
                .ToList();
            if (missing.Count > 0)
            {
                Skip = $"models/{string.Join(", models/", missing)} has no tokenizer.json in this checkout (the tiny zoo lands on main separately).";
            }
        }
    }
}

namespace Multimodal.Sdk.Tests.Generation;

/// <summary>Issue 19, classes 4 and 5: search sizes are bounded, and a model's generation defaults are validated at load.</summary>
public sealed class SearchBoundsTests
{
    private static readonly GenerationConfig Model = GenerationConfig.From(null, JsonConfig.Parse("""{"eos_token_id": 2, "max_length": 64}"""));

    [Theory]
    [InlineData(int.MaxValue, null, null, "MaxNewTokens")]
    [InlineData(null, 100_000, null, "NumBeams")]
    [InlineData(null, null, 100_000, "NumReturnSequences")]
    public void AnAbsurdSearchSizeIsAnOutOfRangeOptionNamingTheLimit(int? maxNewTokens, int? beams, int? sequences, string option)
    {
        var options = new GenerationOptions { MaxNewTokens = maxNewTokens, NumBeams = beams, NumReturnSequences = sequences, DoSample = sequences is null ? null : true };

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => GenerationSettings.Resolve(Model, options, promptLength: 3));

        Assert.Equal(option, ex.ParamName);
        Assert.Contains("MultimodalOptions.Limits", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AServerCanTightenTheLimits()
    {
        var limits = new InputLimits { MaxNewTokens = 8, MaxBeams = 2 };

        Assert.Equal(8, GenerationSettings.Resolve(Model, new GenerationOptions { MaxNewTokens = 8 }, 3, limits).MaxNewTokens);
        Assert.Throws<ArgumentOutOfRangeException>(() => GenerationSettings.Resolve(Model, new GenerationOptions { MaxNewTokens = 9 }, 3, limits));
        Assert.Throws<ArgumentOutOfRangeException>(() => GenerationSettings.Resolve(Model, new GenerationOptions { NumBeams = 3 }, 3, limits));
    }

    [Fact]
    public void ALongModelDefaultIsCappedByTheLimitInsteadOfFailingEveryCall()
    {
        var model = GenerationConfig.From(null, JsonConfig.Parse("""{"max_new_tokens": 100000}"""));

        Assert.Equal(InputLimits.DefaultMaxNewTokens, GenerationSettings.Resolve(model, null, 1).MaxNewTokens);
    }

    [Theory]
    [InlineData("""{"num_beams": 0}""", "num_beams")]
    [InlineData("""{"num_beams": 100000}""", "num_beams")]
    [InlineData("""{"num_return_sequences": -1}""", "num_return_sequences")]
    [InlineData("""{"max_new_tokens": 0}""", "max_new_tokens")]
    [InlineData("""{"max_length": 2147483647}""", "max_length")]
    [InlineData("""{"top_p": 1.5}""", "top_p")]
    [InlineData("""{"do_sample": true, "temperature": 0}""", "temperature")]
    [InlineData("""{"repetition_penalty": -1}""", "repetition_penalty")]
    [InlineData("""{"pad_token_id": -5}""", "pad_token_id")]
    public void AnInvalidGenerationConfigValueIsAnIncompatibleModelNamingFileAndKey(string json, string key)
    {
        var generation = JsonConfig.Parse(json, "/models/m", "generation_config.json");

        var ex = Assert.Throws<ModelIncompatibleException>(() => GenerationConfig.From(generation, JsonConfig.Parse("{}", "/models/m")));

        Assert.Contains("generation_config.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"'{key}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheBundledModelsGenerationConfigsAreValid()
    {
        foreach (string name in new[] { "tiny-captioner", "tiny-vlm", "tiny-whisper" })
        {
            string folder = Path.Combine(RepoPaths.Root, "models", name);
            _ = GenerationConfig.From(JsonConfig.Load(folder, "generation_config.json"), JsonConfig.Load(folder, "config.json"));
        }
    }
}

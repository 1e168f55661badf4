namespace Multimodal.Sdk.Tests.Generation;

public class GenerationSettingsTests
{
    private static readonly GenerationConfig Model = new()
    {
        EosTokenIds = [50256, 50257],
        MaxLength = 30,
        NumBeams = 4,
        TopK = 50,
        Temperature = 0.9f,
    };

    [Fact]
    public void PerCallOptionsOverrideTheModelDefaults()
    {
        var s = GenerationSettings.Resolve(Model, new GenerationOptions { NumBeams = 2, MaxNewTokens = 5, Seed = 3 }, promptLength: 3);
        Assert.Equal(2, s.NumBeams);
        Assert.Equal(5, s.MaxNewTokens);
        Assert.Equal(3, s.Seed);
        Assert.Equal(0.9f, s.Temperature);
        Assert.Equal([50256, 50257], s.EosTokenIds);
    }

    [Fact]
    public void WithoutAMaximumTheModelsMaxLengthMinusThePromptApplies()
    {
        var s = GenerationSettings.Resolve(Model, null, promptLength: 4);
        Assert.Equal(26, s.MaxNewTokens);
        Assert.Equal(4, s.NumBeams);
        Assert.Equal(50256, s.PadTokenId);
    }

    [Theory]
    [InlineData(0f, 1f, 1)]
    [InlineData(1f, 0f, 1)]
    [InlineData(1f, 1.5f, 1)]
    [InlineData(1f, 1f, 0)]
    public void OutOfRangeOptionsAreRejectedNamingTheOption(float temperature, float topP, int maxNew)
    {
        var options = new GenerationOptions { Temperature = temperature, TopP = topP, MaxNewTokens = maxNew };
        Assert.Throws<ArgumentOutOfRangeException>(() => GenerationSettings.Resolve(Model, options, 1));
    }

    [Fact]
    public void MoreReturnedSequencesThanBeamsIsRejected()
    {
        var options = new GenerationOptions { NumBeams = 2, NumReturnSequences = 3 };
        var ex = Assert.Throws<ArgumentException>(() => GenerationSettings.Resolve(Model, options, 1));
        Assert.Contains("NumReturnSequences", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheTinyDecodersGenerationConfigIsReadForEosAndPad()
    {
        var s = GenerationSettings.Resolve(TinyDecoders.Config("merged"), null, promptLength: 1);
        Assert.Equal([7], s.EosTokenIds);
        Assert.Equal(7, s.PadTokenId);
        Assert.Equal(19, s.MaxNewTokens);
    }
}

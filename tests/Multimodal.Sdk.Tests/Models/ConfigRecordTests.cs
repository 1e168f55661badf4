namespace Multimodal.Sdk.Tests.Models;

public class ConfigRecordTests
{
    [Fact]
    public void GenerationConfigPrefersGenerationConfigThenConfigThenDecoderSection()
    {
        var folder = ModelFolder.Open(RepoPaths.Fixtures("Models", "decoder"));
        var g = GenerationConfig.From(folder.TryGetJson("generation_config.json"), folder.Config);
        Assert.Equal([7, 8], g.EosTokenIds);
        Assert.Equal(5, g.DecoderStartTokenId);
        Assert.Equal(7, g.PadTokenId);
        Assert.Equal(20, g.MaxLength);
        Assert.Equal(3, g.NumBeams);
        Assert.Equal(1f, g.Temperature);
    }

    [Fact]
    public void GenerationConfigRejectsLangToIdWithNonIntegerValues()
    {
        var folder = ModelFolder.Open(RepoPaths.Fixtures("Models", "wrong-types"));
        var ex = Assert.Throws<ModelIncompatibleException>(() => GenerationConfig.From(folder.TryGetJson("generation_config.json"), JsonConfig.Parse("{}")));
        Assert.Contains("'lang_to_id.<|en|>' must be an integer", ex.Message, StringComparison.Ordinal);
        Assert.Contains("generation_config.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TokenizerConfigReadsAddedTokenObjectsAndTreatsHugeMaxLengthAsUnlimited()
    {
        var folder = ModelFolder.Open(RepoPaths.Fixtures("Models", "decoder"));
        var t = TokenizerConfig.From(folder.TryGetJson("tokenizer_config.json"));
        Assert.Equal("<s>", t.BosToken);
        Assert.Equal("</s>", t.EosToken);
        Assert.Null(t.ModelMaxLength);
        Assert.StartsWith("{% for m in messages %}", t.ChatTemplate, StringComparison.Ordinal);
    }

    [Fact]
    public void TokenizerConfigPicksTheDefaultOfNamedTemplates()
    {
        var t = TokenizerConfig.From(JsonConfig.Parse("""{"chat_template": [{"name": "tool_use", "template": "T"}, {"name": "default", "template": "D"}], "model_max_length": 77}"""));
        Assert.Equal("D", t.ChatTemplate);
        Assert.Equal("T", t.NamedChatTemplates["tool_use"]);
        Assert.Equal(77, t.ModelMaxLength);
    }
}

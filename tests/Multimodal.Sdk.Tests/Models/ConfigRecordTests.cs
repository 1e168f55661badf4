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

    [Fact]
    public void AudioFeatureConfigReadsAShortChunkInsteadOfAssumingThirtySeconds()
    {
        var folder = ModelFolder.Open(RepoPaths.Fixtures("Models", "wrong-types"));
        var a = AudioFeatureConfig.From(folder.GetJson("preprocessor_config.json"));
        Assert.Equal(10, a.ChunkLength);
        Assert.Equal(160000, a.NSamples);
        Assert.Equal(1000, a.NbMaxFrames);
    }

    [Fact]
    public void AudioFeatureConfigRejectsFramesThatDisagreeWithSamples()
    {
        var ex = Assert.Throws<ModelIncompatibleException>(() => AudioFeatureConfig.From(JsonConfig.Parse("""{"n_samples": 480000, "hop_length": 160, "nb_max_frames": 1000}""", "/m", "preprocessor_config.json")));
        Assert.Contains("nb_max_frames", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClipIntegerSizeMeansShortestEdgeWithCenterCrop()
    {
        var c = ImagePreprocessorConfig.From(JsonConfig.Parse("""{"image_processor_type": "CLIPImageProcessor", "size": 224, "crop_size": 224, "do_center_crop": true, "resample": 3}"""));
        Assert.Equal(ResizeMode.ShortestEdge, c.ResizeMode);
        Assert.Equal(224, c.ShortestEdge);
        Assert.Equal(ResampleFilter.Bicubic, c.Resample);
        Assert.Equal(0.48145466f, c.ImageMean[0]);
        Assert.Equal(224, c.OutputHeight);
    }

    [Fact]
    public void VitIntegerSizeMeansAnExactSquare()
    {
        var c = ImagePreprocessorConfig.From(JsonConfig.Parse("""{"feature_extractor_type": "ViTFeatureExtractor", "size": 96, "image_mean": [0.5, 0.5, 0.5], "image_std": 0.5}"""));
        Assert.Equal(ResizeMode.Exact, c.ResizeMode);
        Assert.Equal((96, 96), (c.Height, c.Width));
        Assert.False(c.DoCenterCrop);
        Assert.Equal([0.5f, 0.5f, 0.5f], c.ImageStd);
        Assert.Equal(ResampleFilter.Bilinear, c.Resample);
    }

    [Fact]
    public void DictionarySizesAreRead()
    {
        var c = ImagePreprocessorConfig.From(JsonConfig.Parse("""{"size": {"shortest_edge": 64}, "crop_size": {"height": 64, "width": 48}, "do_center_crop": true}"""));
        Assert.Equal((ResizeMode.ShortestEdge, 64, 64, 48), (c.ResizeMode, c.ShortestEdge, c.CropHeight, c.CropWidth));
    }

    [Fact]
    public void UnknownResampleCodeIsRejected()
    {
        var ex = Assert.Throws<ModelIncompatibleException>(() => ImagePreprocessorConfig.From(JsonConfig.Parse("""{"size": 32, "resample": 9}""")));
        Assert.Contains("resample", ex.Message, StringComparison.Ordinal);
    }
}

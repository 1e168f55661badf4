namespace Multimodal.Sdk.Tests.Models;

public class ModelFolderTests
{
    private static string Fixture(string name) => RepoPaths.Fixtures("Models", name);

    [Fact]
    public void MissingFolderRaisesModelNotFoundNamingThePath()
    {
        string path = Path.Combine(Path.GetTempPath(), "no-such-model-" + Guid.NewGuid());
        var ex = Assert.Throws<ModelNotFoundException>(() => ModelFolder.Open(path));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Null(ex.FileName);
    }

    [Fact]
    public void MissingGraphMessageNamesTheFileAndListsTheGraphsPresent()
    {
        var folder = ModelFolder.Open(Fixture("precisions"));
        var ex = Assert.Throws<ModelNotFoundException>(() => folder.GetGraph("vision_model"));
        Assert.Equal("onnx/vision_model.onnx", ex.FileName);
        Assert.Contains("onnx/vision_model.onnx", ex.Message, StringComparison.Ordinal);
        Assert.Contains("onnx/model_quantized.onnx", ex.Message, StringComparison.Ordinal);
        Assert.Contains(folder.Path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FullPrecisionIsPickedByDefault()
    {
        var folder = ModelFolder.Open(Fixture("precisions"));
        Assert.EndsWith(Path.Combine("onnx", "model.onnx"), folder.GetGraph("model"), StringComparison.Ordinal);
    }

    [Fact]
    public void PreferredPrecisionIsPickedWhenPresentAndTheNextOneOtherwise()
    {
        var folder = ModelFolder.Open(Fixture("precisions"), [ModelPrecision.Quantized, ModelPrecision.Full]);
        Assert.EndsWith("model_quantized.onnx", folder.GetGraph("model"), StringComparison.Ordinal);
        Assert.EndsWith(Path.Combine("onnx", "big.onnx"), folder.GetGraph("big"), StringComparison.Ordinal);
    }

    [Fact]
    public void PrecisionOrderIsRespected()
    {
        var folder = ModelFolder.Open(Fixture("precisions"), [ModelPrecision.Float16, ModelPrecision.Quantized]);
        Assert.EndsWith("model_fp16.onnx", folder.GetGraph("model"), StringComparison.Ordinal);
    }

    [Fact]
    public void MissingConfigFileRaisesModelNotFoundListingTheFolder()
    {
        var folder = ModelFolder.Open(Fixture("precisions"));
        var ex = Assert.Throws<ModelNotFoundException>(() => folder.GetJson("preprocessor_config.json"));
        Assert.Equal("preprocessor_config.json", ex.FileName);
        Assert.Contains("config.json", ex.Message, StringComparison.Ordinal);
        Assert.Null(folder.TryGetJson("tokenizer.json"));
    }

    [Fact]
    public void InvalidJsonRaisesModelIncompatibleNamingTheFile()
    {
        var folder = ModelFolder.Open(Fixture("not-json"));
        var ex = Assert.Throws<ModelIncompatibleException>(() => folder.GetJson("preprocessor_config.json"));
        Assert.Equal("preprocessor_config.json", ex.FileName);
        Assert.Contains("not valid JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FieldOfTheWrongTypeNamesFolderFileFieldAndExpectation()
    {
        var folder = ModelFolder.Open(Fixture("wrong-types"));
        var ex = Assert.Throws<ModelIncompatibleException>(() => folder.Config.GetInt32("d_model"));
        Assert.Contains("config.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains(folder.Path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("'d_model' must be an integer but is a string (\"wide\")", ex.Message, StringComparison.Ordinal);

        var fractional = Assert.Throws<ModelIncompatibleException>(() => folder.Config.GetInt32("encoder_layers"));
        Assert.Contains("2.5", fractional.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NestedFieldErrorsShowTheFullPath()
    {
        var config = JsonConfig.Parse("""{"text_config": {"hidden_size": [1]}}""");
        var ex = Assert.Throws<ModelIncompatibleException>(() => config.Section("text_config")!.GetInt32("hidden_size"));
        Assert.Contains("'text_config.hidden_size' must be an integer but is an array", ex.Message, StringComparison.Ordinal);
        var missing = Assert.Throws<ModelIncompatibleException>(() => config.GetInt32("text_config.max_position_embeddings"));
        Assert.Contains("no field 'text_config.max_position_embeddings'", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongModelTypeIsRejectedWithBothTypesNamed()
    {
        var folder = ModelFolder.Open(Fixture("wrong-types"));
        var ex = Assert.Throws<ModelIncompatibleException>(() => folder.RequireModelType("The image captioner", "vision-encoder-decoder"));
        Assert.Contains("'vision-encoder-decoder'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'whisper'", ex.Message, StringComparison.Ordinal);
        folder.RequireModelType("Speech recognition", "whisper");
    }

    [Fact]
    public void ListGraphsReportsEveryVariant()
    {
        var graphs = ModelFolder.Open(Fixture("precisions")).ListGraphs();
        Assert.Equal(["onnx/big.onnx", "onnx/model.onnx", "onnx/model_fp16.onnx", "onnx/model_quantized.onnx"], graphs.Select(g => g.Replace('\\', '/')));
    }
}

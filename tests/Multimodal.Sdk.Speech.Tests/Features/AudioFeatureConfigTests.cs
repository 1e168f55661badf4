namespace Multimodal.Sdk.Speech.Tests.Features;

/// <summary><c>preprocessor_config.json</c> of a Whisper folder, read into the feature extractor's settings.</summary>
public class AudioFeatureConfigTests
{
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
}

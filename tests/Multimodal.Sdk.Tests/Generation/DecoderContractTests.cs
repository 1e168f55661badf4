using Microsoft.ML.OnnxRuntime;

namespace Multimodal.Sdk.Tests.Generation;

public class DecoderContractTests
{
    [Theory]
    [InlineData("merged", "Merged", false, false)]
    [InlineData("split", "Split", false, false)]
    [InlineData("embeds", "Merged", true, false)]
    [InlineData("whisper_merged", "Merged", false, true)]
    [InlineData("whisper_split", "Split", false, true)]
    public void TheContractIsDetectedFromTheFolderAndTheGraphs(string contract, string layout, bool embeddings, bool encoderCache)
    {
        using var decoder = TinyDecoders.Open(contract);
        Assert.Equal(layout, decoder.Layout.ToString());
        Assert.Equal(embeddings, decoder.TakesEmbeddings);
        Assert.Equal(encoderCache, decoder.HasEncoderCache);
    }

    [Fact]
    public void AFolderWithoutMergedOrSplitDecoderIsRejectedNamingWhatItHas()
    {
        var folder = ModelFolder.Open(RepoPaths.Fixtures("Generation", "no_decoder"));
        var ex = Assert.Throws<ModelIncompatibleException>(() => OnnxDecoder.Open(OnnxSessionFactory.Default, folder));
        Assert.Contains("decoder_model_merged.onnx", ex.Message, StringComparison.Ordinal);
        Assert.Contains("decoder_with_past_model.onnx", ex.Message, StringComparison.Ordinal);
        Assert.Contains("encoder_model.onnx", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheWhisperEncoderCacheFromTheFirstStepIsReusedUnchanged()
    {
        // Run the merged Whisper decoder by hand: after the first step the encoder cache must stay the same object
        // while the decoder cache grows by one position per step.
        using var decoder = TinyDecoders.Open("whisper_merged");
        using var encoder = TinyDecoders.Encoder("encoderA");
        using var state = decoder.Start(1, encoder, ownsEncoderHiddenStates: false);
        decoder.Step(state, [0], 1);
        var encoderCache = state.GetCache("past_key_values.0.encoder.key");
        Assert.NotNull(encoderCache);
        Assert.Equal([1L, 1, 3, 4], encoderCache.GetTensorTypeAndShape().Shape);
        decoder.Step(state, [6], 1);
        decoder.Step(state, [3], 1);
        Assert.Same(encoderCache, state.GetCache("past_key_values.0.encoder.key"));
        Assert.Equal([1L, 1, 3, 4], state.GetCache("past_key_values.1.decoder.value")!.GetTensorTypeAndShape().Shape);
    }

    [Fact]
    public void ADroppedCacheChangesTheLogitsSoTheFixtureCatchesCacheBugs()
    {
        using var decoder = TinyDecoders.Open("merged");
        using var encoder = TinyDecoders.Encoder("encoderA");
        using var withCache = decoder.Start(1, encoder, ownsEncoderHiddenStates: false);
        decoder.Step(withCache, [0], 1);
        float[] cached = decoder.Step(withCache, [6], 1).ToArray();

        using var fresh = decoder.Start(1, encoder, ownsEncoderHiddenStates: false);
        float[] uncached = decoder.Step(fresh, [6], 1).ToArray();
        Assert.NotEqual(cached, uncached);

        using var full = decoder.Start(1, encoder, ownsEncoderHiddenStates: false);
        float[] recomputed = decoder.Step(full, [0, 6], 2).ToArray();
        for (int i = 0; i < cached.Length; i++)
        {
            Assert.Equal(recomputed[i], cached[i], 4);
        }
    }

    [Fact]
    public void AnEncoderDecoderWithoutEncoderStatesIsRefusedClearly()
    {
        using var decoder = TinyDecoders.Open("merged");
        Assert.Throws<ArgumentException>(() => decoder.Start(1, null, ownsEncoderHiddenStates: false));
    }

    [Fact]
    public void GatherRowsCopiesTheChosenRowsInOrder()
    {
        using var source = OrtValue.CreateTensorValueFromMemory(new float[] { 1, 2, 3, 4, 5, 6 }, [3, 2]);
        using var gathered = OrtTensors.GatherRows(source, [2, 0, 2]);
        Assert.Equal([5f, 6, 1, 2, 5, 6], gathered.GetTensorDataAsSpan<float>().ToArray());
    }
}

using Microsoft.ML.OnnxRuntime;

namespace Multimodal.Sdk.Tests.Runtime;

public class SessionFactoryTests
{
    private static float[] RunAdd(ModelSession session, float[] x)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(x, [x.Length / 4, 4]);
        using var outputs = session.Run(["x"], [input], ["y"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    [Fact]
    public void SessionRunsTheGraphOfThePreferredPrecision()
    {
        var factory = new OnnxSessionFactory(new MultimodalOptions { PreferredPrecisions = [ModelPrecision.Quantized] });
        var folder = factory.OpenFolder(RepoPaths.Fixtures("Models", "precisions"));
        using var session = factory.Create(folder, "model");
        Assert.Equal([2f, 3f, 4f, 5f], RunAdd(session, [0, 1, 2, 3]));
        Assert.Equal("onnx/model_quantized.onnx", session.FileName.Replace('\\', '/'));
    }

    [Fact]
    public void GraphWithExternalWeightsLoads()
    {
        var factory = OnnxSessionFactory.Default;
        using var session = factory.Create(factory.OpenFolder(RepoPaths.Fixtures("Models", "precisions")), "big");
        Assert.Equal([4f, 4f, 4f, 4f], RunAdd(session, [0, 0, 0, 0]));
    }

    [Fact]
    public void RequireNamesTheMissingInputsAndWhatTheGraphDeclares()
    {
        var factory = OnnxSessionFactory.Default;
        using var session = factory.Create(factory.OpenFolder(RepoPaths.Fixtures("Models", "precisions")), "model");
        var ex = Assert.Throws<ModelIncompatibleException>(() => session.Require(["pixel_values"], ["image_embeds", "y"]));
        Assert.Contains("inputs 'pixel_values' (it declares x)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("outputs 'image_embeds' (it declares y)", ex.Message, StringComparison.Ordinal);
        Assert.Equal("onnx/model.onnx", ex.FileName!.Replace('\\', '/'));
        Assert.Same(session, session.Require(["x"], ["y"]));
    }

    [Fact]
    public void EmptyCacheTakesTheBatchAndZeroPastLengthFromMetadata()
    {
        var factory = OnnxSessionFactory.Default;
        using var session = factory.Create(factory.OpenFolder(RepoPaths.Fixtures("Models", "decoder")), "decoder_model_merged");
        using var cache = session.CreateEmptyCache("past_key_values.0.key", batch: 3);
        Assert.Equal([3L, 2, 0, 8], cache.GetTensorTypeAndShape().Shape);
        Assert.True(session.HasInput("use_cache_branch"));
        Assert.False(session.HasInput("attention_mask"));
    }

    [Fact]
    public void CorruptGraphRaisesModelIncompatibleNamingTheFile()
    {
        string dir = Directory.CreateTempSubdirectory("mm-corrupt").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "onnx"));
            File.WriteAllText(Path.Combine(dir, "config.json"), """{"model_type": "clip"}""");
            File.WriteAllBytes(Path.Combine(dir, "onnx", "model.onnx"), [1, 2, 3, 4, 5]);
            var factory = OnnxSessionFactory.Default;
            var ex = Assert.Throws<ModelIncompatibleException>(() => factory.Create(factory.OpenFolder(dir), "model"));
            Assert.Contains("could not load 'onnx/model.onnx'", ex.Message.Replace('\\', '/'), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void CreateAllLoadsGraphsSideBySideInTheirOrder()
    {
        var factory = OnnxSessionFactory.Default;
        var sessions = factory.CreateAll(factory.OpenFolder(RepoPaths.Fixtures("Models", "precisions")), ["big", "model"]);
        try
        {
            Assert.Equal(["onnx/big.onnx", "onnx/model.onnx"], sessions.Select(s => s.FileName.Replace('\\', '/')));
            Assert.Equal([4f, 4f, 4f, 4f], RunAdd(sessions[0], [0, 0, 0, 0]));
            Assert.Equal([1f, 1f, 1f, 1f], RunAdd(sessions[1], [0, 0, 0, 0]));
        }
        finally
        {
            foreach (var session in sessions)
            {
                session.Dispose();
            }
        }
    }

    [Fact]
    public void CreateAllFailsAsAWholeNamingTheGraphThatCouldNotLoad()
    {
        string dir = Directory.CreateTempSubdirectory("mm-corrupt").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "onnx"));
            File.WriteAllText(Path.Combine(dir, "config.json"), """{"model_type": "clip"}""");
            File.Copy(RepoPaths.Fixtures("Models", "precisions", "onnx", "model.onnx"), Path.Combine(dir, "onnx", "text_model.onnx"));
            File.WriteAllBytes(Path.Combine(dir, "onnx", "vision_model.onnx"), [1, 2, 3, 4, 5]);
            var factory = OnnxSessionFactory.Default;
            var ex = Assert.Throws<ModelIncompatibleException>(() => factory.CreateAll(factory.OpenFolder(dir), ["text_model", "vision_model"]));
            Assert.Contains("could not load 'onnx/vision_model.onnx'", ex.Message.Replace('\\', '/'), StringComparison.Ordinal);
            Assert.Throws<ModelNotFoundException>(() => factory.CreateAll(factory.OpenFolder(dir), ["text_model", "absent"]));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void OneSessionServesManyThreadsWithIdenticalResults()
    {
        var factory = new OnnxSessionFactory(new MultimodalOptions { IntraOpThreads = 1, GraphOptimization = GraphOptimization.Basic, EnableMemoryArena = false });
        using var session = factory.Create(factory.OpenFolder(RepoPaths.Fixtures("Models", "precisions")), "model");
        var results = new float[64][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => results[i] = RunAdd(session, [i, i, i, i]));
        for (int i = 0; i < results.Length; i++)
        {
            Assert.Equal([i + 1f, i + 1f, i + 1f, i + 1f], results[i]);
        }
    }

    [Fact]
    public void SpinningThatEndsWithEachRunIsAskedForOnlyWhereSpinningIsAllowed()
    {
        var spinning = new MultimodalOptions();
        Assert.Empty(OnnxSessionFactory.SessionConfigEntries(spinning, stopSpinningAfterRun: false));
        Assert.Equal([new("session.force_spinning_stop", "1")], OnnxSessionFactory.SessionConfigEntries(spinning, stopSpinningAfterRun: true));

        // Spinning off wins: no pool spins, so there is nothing to stop.
        var quiet = new MultimodalOptions { AllowThreadSpinning = false };
        KeyValuePair<string, string>[] off = [new("session.intra_op.allow_spinning", "0"), new("session.inter_op.allow_spinning", "0")];
        Assert.Equal(off, OnnxSessionFactory.SessionConfigEntries(quiet, stopSpinningAfterRun: false));
        Assert.Equal(off, OnnxSessionFactory.SessionConfigEntries(quiet, stopSpinningAfterRun: true));
    }

    [Fact]
    public void SessionRecordsTheConfigEntriesItWasCreatedWith()
    {
        var factory = new OnnxSessionFactory(new MultimodalOptions());
        var folder = factory.OpenFolder(RepoPaths.Fixtures("Models", "precisions"));
        string path = folder.GetGraph("model");
        using var plain = factory.Create(folder, path, "model");
        using var stopping = factory.Create(folder, path, "model", stopSpinningAfterRun: true);
        Assert.Empty(plain.ConfigEntries);
        Assert.Equal([new("session.force_spinning_stop", "1")], stopping.ConfigEntries);
        Assert.Equal([2f, 3f, 4f, 5f], RunAdd(stopping, [1, 2, 3, 4]));
    }
}

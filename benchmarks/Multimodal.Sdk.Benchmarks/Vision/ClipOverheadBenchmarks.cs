using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;

namespace Multimodal.Sdk.Benchmarks.Vision;

/// <summary>
/// What the SDK adds to ONNX Runtime on the CLIP image path: the same pre-made <c>pixel_values</c> tensor through a
/// raw <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string})"/>
/// (baseline) and through <see cref="ClipEncoder"/>'s encoder path (session wrapper, error translation, L2
/// normalization, one <c>Embedding&lt;float&gt;</c> per row). Both sessions get the session options the SDK builds,
/// with one intra-op thread: the overhead is per call, not per thread, and one thread keeps the shared build machine's
/// scheduling noise out of the ratio.
/// </summary>
/// <remarks>
/// The bundled tiny-clip vision tower takes 64 x 64 images, so one run is short and any fixed cost per call shows up
/// large: a pessimistic setting for the overhead ratio.
/// </remarks>
[MinColumn]
[MedianColumn]
public class ClipOverheadBenchmarks
{
    private const int Size = 64;
    private static readonly string[] InputNames = ["pixel_values"];
    private static readonly string[] OutputNames = ["image_embeds"];

    private ClipEncoder _encoder = null!;
    private InferenceSession _raw = null!;
    private SessionOptions _sessionOptions = null!;
    private RunOptions _runOptions = null!;
    private float[] _pixels = [];
    private long[] _shape = [];

    /// <summary>Gets or sets the number of images in the tensor.</summary>
    [Params(1, 32)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        string folder = BenchmarkModels.Model("tiny-clip");
        _encoder = new ClipEncoder(folder, new MultimodalOptions { IntraOpThreads = 1 });

        // The options OnnxSessionFactory builds for these MultimodalOptions.
        _sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 0,
            EnableCpuMemArena = true,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        _raw = new InferenceSession(Path.Combine(folder, "onnx", "vision_model.onnx"), _sessionOptions);
        _runOptions = new RunOptions();

        var random = new Random(42);
        _pixels = new float[Batch * 3 * Size * Size];
        for (int i = 0; i < _pixels.Length; i++)
        {
            _pixels[i] = (float)((random.NextDouble() * 4) - 2);
        }

        _shape = [Batch, 3, Size, Size];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _encoder.Dispose();
        _raw.Dispose();
        _sessionOptions.Dispose();
        _runOptions.Dispose();
    }

    [Benchmark(Baseline = true)]
    public float RawOrtRun()
    {
        using var pixels = OrtValue.CreateTensorValueFromMemory(_pixels, _shape);
        using var outputs = _raw.Run(_runOptions, InputNames, [pixels], OutputNames);
        return outputs[0].GetTensorDataAsSpan<float>()[0];
    }

    [Benchmark]
    public float SdkEncoderPath() => _encoder.EmbedPixels(_pixels, _shape)[^1].Vector.Span[0];
}

using BenchmarkDotNet.Attributes;

namespace Multimodal.Sdk.Benchmarks.Speech;

/// <summary>
/// Whisper log-mel of 30 s of 16 kHz audio (one 30 s window of a real Whisper: 80 mels x 3000 frames, n_fft 400),
/// scalar baseline vs TensorPrimitives for the windowing, mel projection and log stages.
/// </summary>
public class WhisperFeatureBenchmarks
{
    private static readonly AudioFeatureConfig ThirtySeconds = new()
    {
        FeatureSize = 80,
        SamplingRate = 16000,
        HopLength = 160,
        ChunkLength = 30,
        NFft = 400,
        NSamples = 480000,
        NbMaxFrames = 3000,
    };

    private readonly WhisperFeatureExtractor _scalar = new(ThirtySeconds, vectorized: false);
    private readonly WhisperFeatureExtractor _vectorized = new(ThirtySeconds, vectorized: true);
    private float[] _audio = [];
    private float[] _output = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _audio = new float[ThirtySeconds.NSamples];
        for (int n = 0; n < _audio.Length; n++)
        {
            _audio[n] = (float)((0.3 * Math.Sin(2 * Math.PI * 220 * n / 16000.0)) + (0.05 * (random.NextDouble() - 0.5)));
        }

        _output = new float[_vectorized.OutputLength];
    }

    [Benchmark(Baseline = true, Description = "Whisper log-mel 30 s (80 x 3000), scalar")]
    public float Scalar()
    {
        _scalar.Compute(_audio, _output);
        return _output[0];
    }

    [Benchmark(Description = "Whisper log-mel 30 s (80 x 3000), TensorPrimitives")]
    public float Vectorized()
    {
        _vectorized.Compute(_audio, _output);
        return _output[0];
    }
}

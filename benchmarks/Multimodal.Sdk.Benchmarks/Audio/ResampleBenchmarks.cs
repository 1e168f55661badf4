using BenchmarkDotNet.Attributes;

namespace Multimodal.Sdk.Benchmarks.Audio;

/// <summary>30 s of 44.1 kHz audio to 16 kHz (Whisper's input), scalar dot products vs TensorPrimitives.Dot.</summary>
public class ResampleBenchmarks
{
    private float[] _input = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _input = new float[44100 * 30];
        for (int n = 0; n < _input.Length; n++)
        {
            _input[n] = (float)((0.5 * Math.Sin(2 * Math.PI * 440 * n / 44100)) + (0.1 * (random.NextDouble() - 0.5)));
        }
    }

    [Benchmark(Baseline = true, Description = "Resample 30 s 44.1k->16k, scalar")]
    public float[] Scalar() => PolyphaseResampler.Resample(_input, 44100, 16000, vectorized: false);

    [Benchmark(Description = "Resample 30 s 44.1k->16k, TensorPrimitives.Dot")]
    public float[] Vectorized() => PolyphaseResampler.Resample(_input, 44100, 16000, vectorized: true);

    [Benchmark(Description = "Resample 30 s 44.1k->16k, streamed in 16k-sample blocks")]
    public int Streamed()
    {
        var resampler = new PolyphaseResampler(44100, 16000);
        var output = new float[Math.Max(resampler.MaxOutputLength(16384), resampler.MaxFlushLength)];
        int total = 0;
        for (int at = 0; at < _input.Length; at += 16384)
        {
            total += resampler.Process(_input.AsSpan(at, Math.Min(16384, _input.Length - at)), output);
        }

        return total + resampler.Flush(output);
    }
}

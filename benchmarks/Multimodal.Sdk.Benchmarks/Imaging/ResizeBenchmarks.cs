using BenchmarkDotNet.Attributes;

namespace Multimodal.Sdk.Benchmarks.Imaging;

/// <summary>
/// The resize alone, 640 x 480 -> 298 x 224 bicubic computing only the 224 x 224 center window: Pillow's scalar
/// loops against the 128-bit and the 256-bit kernels (identical bytes).
/// </summary>
/// <remarks>Min and median are reported because the build machine is shared: the minimum is the least disturbed run.</remarks>
[MinColumn]
[MedianColumn]
public class ResizeBenchmarks
{
    private readonly byte[] _source = new byte[640 * 480 * 3];
    private readonly byte[] _destination = new byte[224 * 224 * 3];

    [GlobalSetup]
    public void Setup() => new Random(1).NextBytes(_source);

    [Benchmark(Baseline = true)]
    public void Scalar() => Resize(useSimd: false, allowVector256: false);

    [Benchmark]
    public void Vector128Kernels() => Resize(useSimd: true, allowVector256: false);

    [Benchmark]
    public void Vector256Kernels() => Resize(useSimd: true, allowVector256: true);

    private void Resize(bool useSimd, bool allowVector256) =>
        PillowResampler.Resize(_source, 640, 480, 298, 224, ResampleFilter.Bicubic, _destination, 37, 0, 224, 224, useSimd, allowVector256);
}

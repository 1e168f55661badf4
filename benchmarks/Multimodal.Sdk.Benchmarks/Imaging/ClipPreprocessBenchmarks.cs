using BenchmarkDotNet.Attributes;

namespace Multimodal.Sdk.Benchmarks.Imaging;

/// <summary>
/// A decoded 640 x 480 photo to CLIP's [3, 224, 224] pixel_values (bicubic shortest edge 224 -> 298 x 224,
/// center crop 224, rescale, normalize, CHW): the scalar baseline against the SIMD kernels.
/// </summary>
/// <remarks>Min and median are reported because the build machine is shared: the minimum is the least disturbed run.</remarks>
[MinColumn]
[MedianColumn]
public class ClipPreprocessBenchmarks
{
    private readonly float[] _destination = new float[3 * 224 * 224];
    private byte[] _rgb = [];
    private int _width;
    private int _height;
    private ImagePreprocessor _scalar = null!;
    private ImagePreprocessor _simd = null!;

    [GlobalSetup]
    public void Setup()
    {
        var config = ImagePreprocessorConfig.From(JsonConfig.Parse("""{"image_processor_type": "CLIPImageProcessor", "size": {"shortest_edge": 224}, "crop_size": {"height": 224, "width": 224}}"""));
        var options = new MultimodalOptions();
        _scalar = new ImagePreprocessor(config, options, useSimd: false);
        _simd = new ImagePreprocessor(config, options, useSimd: true);
        using var image = new ImageSharpImageDecoder(options).Decode(BenchmarkImages.Coffee640x480Jpeg());
        _rgb = image.Pixels.ToArray();
        (_width, _height) = (image.Width, image.Height);
    }

    [Benchmark(Baseline = true)]
    public void Scalar() => _scalar.Preprocess(_rgb, _width, _height, _destination);

    [Benchmark]
    public void Simd() => _simd.Preprocess(_rgb, _width, _height, _destination);
}

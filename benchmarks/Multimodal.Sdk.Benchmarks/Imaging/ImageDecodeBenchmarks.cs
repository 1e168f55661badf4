using BenchmarkDotNet.Attributes;

namespace Multimodal.Sdk.Benchmarks.Imaging;

/// <summary>Decoding a 640 x 480 photo to RGB with the SDK's ImageSharp decoder, and the whole JPEG -> CLIP tensor path.</summary>
/// <remarks>Min and median are reported because the build machine is shared: the minimum is the least disturbed run.</remarks>
[MinColumn]
[MedianColumn]
public class ImageDecodeBenchmarks
{
    private readonly float[] _destination = new float[3 * 224 * 224];
    private byte[] _jpeg = [];
    private byte[] _png = [];
    private ImageSharpImageDecoder _decoder = null!;
    private ImagePreprocessor _preprocessor = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new MultimodalOptions();
        _decoder = new ImageSharpImageDecoder(options);
        _jpeg = BenchmarkImages.Coffee640x480Jpeg();
        using (var image = SixLabors.ImageSharp.Image.Load(_jpeg))
        using (var stream = new MemoryStream())
        {
            image.Save(stream, new SixLabors.ImageSharp.Formats.Png.PngEncoder());
            _png = stream.ToArray();
        }

        var config = ImagePreprocessorConfig.From(JsonConfig.Parse("""{"image_processor_type": "CLIPImageProcessor"}"""));
        _preprocessor = new ImagePreprocessor(config, options, _decoder, useSimd: true);
    }

    [Benchmark(Baseline = true)]
    public int DecodeJpeg()
    {
        using var image = _decoder.Decode(_jpeg);
        return image.Width;
    }

    [Benchmark]
    public int DecodePng()
    {
        using var image = _decoder.Decode(_png);
        return image.Width;
    }

    [Benchmark]
    public (int, int) JpegToClipTensor() => _preprocessor.Preprocess(_jpeg, _destination);
}

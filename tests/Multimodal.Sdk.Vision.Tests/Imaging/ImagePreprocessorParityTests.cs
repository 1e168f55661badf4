using Xunit.Abstractions;

namespace Multimodal.Sdk.Vision.Tests.Imaging;

/// <summary>pixel_values against tensors computed by tools/reference/images.py (Pillow resize on uint8 RGB, numpy rescale and normalize).</summary>
public sealed class ImagePreprocessorParityTests(ITestOutputHelper output)
{
    // Lossless inputs: the only differences left are float rounding (the resize is bit-exact to Pillow).
    private const float LosslessMaxAbs = 1e-5f;

    // JPEG inputs: ImageSharp's and libjpeg's IDCT and chroma upsampling differ by a few 8-bit levels at edges.
    // The budget (max 0.05, mean 0.005 in normalized units) still applies.
    private const float JpegMaxAbs = 0.05f;
    private const float JpegMeanAbs = 0.005f;

    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (var e in ImagingFixtures.Section("preprocess"))
        {
            data.Add(e.GetProperty("name").GetString()!, false);
            data.Add(e.GetProperty("name").GetString()!, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PixelValuesMatchThePythonImageProcessor(string name, bool simd)
    {
        var (expected, actual, kind) = Run(name, simd);
        var (max, mean) = Difference(expected, actual);
        output.WriteLine($"{name} ({kind}, simd={simd}): max |diff| {max:G3}, mean {mean:G3}");

        if (kind == "jpeg")
        {
            Assert.InRange(max, 0f, JpegMaxAbs);
            Assert.InRange(mean, 0f, JpegMeanAbs);
        }
        else
        {
            Assert.InRange(max, 0f, LosslessMaxAbs);
        }
    }

    [Fact]
    public void BatchStacksTheSingleImageTensorsInOrder()
    {
        var e = ImagingFixtures.Find("preprocess", "name", "chelsea_clip224");
        var preprocessor = Create(e, simd: true);
        var chelsea = ImagingFixtures.Bytes("photo_chelsea.png");
        var astronaut = ImagingFixtures.Bytes("photo_astronaut_crop.png");
        var one = new float[3 * 224 * 224];
        var two = new float[3 * 224 * 224];
        preprocessor.Preprocess(chelsea, one);
        preprocessor.Preprocess(astronaut, two);

        var (data, shape) = preprocessor.PreprocessBatch([chelsea, astronaut]);

        Assert.Equal([2L, 3, 224, 224], shape);
        Assert.Equal(one, data.AsSpan(0, one.Length).ToArray());
        Assert.Equal(two, data.AsSpan(one.Length).ToArray());
    }

    [Fact]
    public void DecodedPixelsGiveTheSameTensorAsTheEncodedImage()
    {
        var e = ImagingFixtures.Find("preprocess", "name", "astronaut_clip224");
        var preprocessor = Create(e, simd: true);
        var encoded = ImagingFixtures.Bytes("photo_astronaut_crop.png");
        using var decoded = new ImageSharpImageDecoder(MultimodalOptions.DefaultMaxImagePixels).Decode(encoded);
        var fromBytes = new float[3 * 224 * 224];
        var fromPixels = new float[3 * 224 * 224];

        preprocessor.Preprocess(encoded, fromBytes);
        preprocessor.Preprocess(decoded.Pixels, decoded.Width, decoded.Height, fromPixels);

        Assert.Equal(fromBytes, fromPixels);
    }

    [Fact]
    public void BatchOfImagesWithDifferentTensorSizesIsRefused()
    {
        var config = new ImagePreprocessorConfig { ResizeMode = ResizeMode.ShortestEdge, ShortestEdge = 16, DoCenterCrop = false };
        var preprocessor = new ImagePreprocessor(config, new MultimodalOptions());

        var ex = Assert.Throws<ArgumentException>(() => preprocessor.PreprocessBatch([ImagingFixtures.Bytes("syn_wide_640x9.png"), ImagingFixtures.Bytes("syn_tall_5x300.png")]));

        Assert.Contains("Image 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BatchNamesTheImageThatCannotBeDecoded()
    {
        var preprocessor = new ImagePreprocessor(new ImagePreprocessorConfig(), new MultimodalOptions());

        var ex = Assert.Throws<InputDecodeException>(() => preprocessor.PreprocessBatch([ImagingFixtures.Bytes("photo_chelsea.png"), new byte[] { 1, 2, 3 }]));

        Assert.StartsWith("Image 1 of the batch", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DestinationTooSmallIsAnArgumentError()
    {
        var preprocessor = new ImagePreprocessor(new ImagePreprocessorConfig(), new MultimodalOptions());

        Assert.Throws<ArgumentException>(() => preprocessor.Preprocess(ImagingFixtures.Bytes("photo_chelsea.png"), new float[100]));
    }

    [Theory]
    [InlineData(480, 640, 224, 224, 298)]
    [InlineData(640, 480, 224, 298, 224)]
    [InlineData(300, 451, 224, 224, 336)]
    [InlineData(9, 640, 24, 24, 1706)]
    [InlineData(7, 7, 224, 224, 224)]
    [InlineData(3, 1, 5, 15, 5)]
    public void ShortestEdgeSizeTruncatesTheLongSideLikeTransformers(int height, int width, int edge, int expectedHeight, int expectedWidth)
    {
        Assert.Equal((expectedHeight, expectedWidth), ImagePreprocessor.ShortestEdgeSize(height, width, edge));
    }

    internal static (float[] Expected, float[] Actual, string Kind) Run(string name, bool simd)
    {
        var e = ImagingFixtures.Find("preprocess", "name", name);
        var shape = e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()).ToArray();
        var expected = ImagingFixtures.Floats(e.GetProperty("values").GetString()!);
        var actual = new float[expected.Length];
        var size = Create(e, simd).Preprocess(ImagingFixtures.Bytes(e.GetProperty("input").GetString()!), actual);
        Assert.Equal((shape[1], shape[2]), size);
        return (expected, actual, e.GetProperty("kind").GetString()!);
    }

    internal static (float Max, float Mean) Difference(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        float max = 0;
        double sum = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            float d = Math.Abs(expected[i] - actual[i]);
            max = Math.Max(max, d);
            sum += d;
        }

        return (max, (float)(sum / expected.Length));
    }

    private static ImagePreprocessor Create(System.Text.Json.JsonElement e, bool simd)
    {
        var config = ImagePreprocessorConfig.From(JsonConfig.Parse(e.GetProperty("config").GetRawText(), "(fixture)", "preprocessor_config.json"));
        return new ImagePreprocessor(config, new MultimodalOptions(), useSimd: simd);
    }
}

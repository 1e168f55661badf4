namespace Multimodal.Sdk.Vision.Tests.Imaging;

public sealed class PillowResamplerTests
{
    /// <summary>0: scalar baseline, 128: 128-bit kernels only, 256: widest kernels the hardware has.</summary>
    public static TheoryData<int, int, int, int> ResizeCases()
    {
        var data = new TheoryData<int, int, int, int>();
        foreach (var e in ImagingFixtures.Section("resize"))
        {
            foreach (int vectorBits in new[] { 0, 128, 256 })
            {
                data.Add(e.GetProperty("filter").GetInt32(), e.GetProperty("width").GetInt32(), e.GetProperty("height").GetInt32(), vectorBits);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ResizeCases))]
    public void ResizeGivesPillowsBytesForEveryFilterAndDirection(int filter, int width, int height, int vectorBits)
    {
        using var source = Decode("syn_resize_53x37.png");
        var expected = ImagingFixtures.Bytes($"rs_f{filter}_{width}x{height}.bin");
        var actual = new byte[width * height * 3];

        PillowResampler.Resize(source.Pixels, source.Width, source.Height, width, height, (ResampleFilter)filter, actual, 0, 0, width, height, useSimd: vectorBits > 0, allowVector256: vectorBits > 128);

        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(3, false)]
    [InlineData(3, true)]
    [InlineData(2, true)]
    [InlineData(0, true)]
    public void ResizingAWindowGivesTheSamePixelsAsCroppingTheFullResize(int pilFilter, bool simd)
    {
        var filter = (ResampleFilter)pilFilter;
        using var source = Decode("syn_resize_53x37.png");
        const int W = 101, H = 80, X = 13, Y = 7, WW = 60, WH = 50;
        var full = new byte[W * H * 3];
        PillowResampler.Resize(source.Pixels, source.Width, source.Height, W, H, filter, full, 0, 0, W, H, simd);
        var window = new byte[WW * WH * 3];

        PillowResampler.Resize(source.Pixels, source.Width, source.Height, W, H, filter, window, X, Y, WW, WH, simd);

        for (int y = 0; y < WH; y++)
        {
            Assert.Equal(full.AsSpan((((Y + y) * W) + X) * 3, WW * 3).ToArray(), window.AsSpan(y * WW * 3, WW * 3).ToArray());
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(1)]
    [InlineData(2)]
    public void SimdAndScalarPathsAgreeOnLargeRandomImages(int pilFilter)
    {
        var filter = (ResampleFilter)pilFilter;
        var random = new Random(1234);
        foreach (var (w, h, ow, oh) in new[] { (640, 480, 298, 224), (333, 517, 224, 347), (50, 40, 173, 131), (1000, 3, 17, 5) })
        {
            var src = new byte[w * h * 3];
            random.NextBytes(src);
            var scalar = new byte[ow * oh * 3];
            var simd128 = new byte[ow * oh * 3];
            var simd = new byte[ow * oh * 3];

            PillowResampler.Resize(src, w, h, ow, oh, filter, scalar, 0, 0, ow, oh, useSimd: false);
            PillowResampler.Resize(src, w, h, ow, oh, filter, simd128, 0, 0, ow, oh, useSimd: true, allowVector256: false);
            PillowResampler.Resize(src, w, h, ow, oh, filter, simd, 0, 0, ow, oh, useSimd: true);

            Assert.Equal(scalar, simd128);
            Assert.Equal(scalar, simd);
        }
    }

    [Fact]
    public void CoefficientsOfEveryOutputSumToOneInFixedPoint()
    {
        using var c = ResampleCoefficients.Compute(640, 224, ResampleFilter.Bicubic, 0, 224);
        for (int i = 0; i < c.Outputs; i++)
        {
            int sum = 0;
            foreach (int w in c.Weights.Slice(i * c.KernelSize, c.KernelSize))
            {
                sum += w;
            }

            // Each weight rounds separately, so the sum may miss 1.0 by a few units of 2^-22.
            Assert.InRange(sum, (1 << 22) - 8, (1 << 22) + 8);
        }
    }

    private static RgbImage Decode(string name) => new ImageSharpImageDecoder(MultimodalOptions.DefaultMaxImagePixels).Decode(ImagingFixtures.Bytes(name));
}

namespace Multimodal.Sdk.Vision.Tests.Imaging;

public sealed class PixelNormalizerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(224)]
    [InlineData(1001)]
    public void SimdAndScalarRowsAreBitIdentical(int pixels)
    {
        var normalizer = new PixelNormalizer(new ImagePreprocessorConfig
        {
            ImageMean = [0.48145466f, 0.4578275f, 0.40821073f],
            ImageStd = [0.26862954f, 0.26130258f, 0.27577711f],
        });
        var rgb = new byte[pixels * 3];
        new Random(pixels).NextBytes(rgb);
        var scalar = new float[pixels * 3];
        var simd = new float[pixels * 3];

        normalizer.Row(rgb, scalar.AsSpan(0, pixels), scalar.AsSpan(pixels, pixels), scalar.AsSpan(2 * pixels, pixels), useSimd: false);
        normalizer.Row(rgb, simd.AsSpan(0, pixels), simd.AsSpan(pixels, pixels), simd.AsSpan(2 * pixels, pixels), useSimd: true);

        Assert.Equal(scalar, simd);
    }

    [Fact]
    public void RowSplitsChannelsIntoPlanesAndAppliesRescaleAndNormalize()
    {
        var normalizer = new PixelNormalizer(new ImagePreprocessorConfig { ImageMean = [0.5f, 0.5f, 0.5f], ImageStd = [0.5f, 0.5f, 0.5f] });
        byte[] rgb = [0, 255, 51, 255, 0, 102];
        var r = new float[2];
        var g = new float[2];
        var b = new float[2];

        normalizer.Row(rgb, r, g, b, useSimd: true);

        Assert.Equal([-1f, 1f], r, new Tolerance(1e-6f));
        Assert.Equal([1f, -1f], g, new Tolerance(1e-6f));
        Assert.Equal([-0.6f, -0.2f], b, new Tolerance(1e-6f));
    }

    [Fact]
    public void WithoutRescaleAndNormalizeValuesStayInByteUnits()
    {
        var normalizer = new PixelNormalizer(new ImagePreprocessorConfig { DoRescale = false, DoNormalize = false });
        var r = new float[1];
        var g = new float[1];
        var b = new float[1];

        normalizer.Row([7, 128, 255], r, g, b, useSimd: false);

        Assert.Equal((7f, 128f, 255f), (r[0], g[0], b[0]));
    }

    private sealed class Tolerance(float epsilon) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= epsilon;

        public int GetHashCode(float obj) => 0;
    }
}

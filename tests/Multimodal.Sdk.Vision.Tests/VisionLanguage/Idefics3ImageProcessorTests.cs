namespace Multimodal.Sdk.Vision.Tests.VisionLanguage;

/// <summary>
/// Idefics3's splitting against the Python reference (transformers' Idefics3ImageProcessor; the expected sizes are
/// what its get_resize_output_image_size and resize_for_vision_encoder give, computed with tools/real/reference_pixels.py).
/// </summary>
public sealed class Idefics3ImageProcessorTests
{
    [Theory]
    [InlineData(1, 1, 2048, 512, 2048, 2048, 2048, 2048, 4, 4)] // tiny: upscaled to the longest edge
    [InlineData(10000, 10, 2048, 512, 2, 2048, 512, 2048, 1, 4)] // very wide
    [InlineData(10, 10000, 2048, 512, 2048, 2, 2048, 512, 4, 1)] // very tall
    [InlineData(5000, 1, 2048, 512, 1, 2048, 512, 2048, 1, 4)] // the short side truncates to 0, kept at 1
    [InlineData(1, 5000, 2048, 512, 2048, 1, 2048, 512, 4, 1)]
    [InlineData(451, 300, 2048, 512, 1362, 2048, 1536, 2048, 3, 4)]
    [InlineData(301, 300, 2048, 512, 2042, 2048, 2048, 2048, 4, 4)] // 2041 is odd: one more
    [InlineData(300, 301, 2048, 512, 2048, 2042, 2048, 2048, 4, 4)]
    [InlineData(129, 97, 2048, 512, 1540, 2048, 2048, 2048, 4, 4)]
    [InlineData(1024, 512, 1024, 512, 512, 1024, 512, 1024, 1, 2)] // exact multiples of 512
    [InlineData(1536, 1024, 1536, 512, 1024, 1536, 1024, 1536, 2, 3)]
    [InlineData(512, 512, 512, 512, 512, 512, 512, 512, 0, 0)] // one tile: not split
    [InlineData(513, 512, 512, 512, 512, 512, 512, 512, 0, 0)]
    [InlineData(5000, 3000, 4096, 512, 2458, 4096, 2560, 4096, 5, 8)]
    [InlineData(3, 2, 4096, 364, 2730, 4096, 2912, 4368, 8, 12)] // a tile that does not divide the longest edge
    public void SplittingFollowsIdefics3ImageProcessor(int width, int height, int longestEdge, int tile, int resizedHeight, int resizedWidth, int splitHeight, int splitWidth, int rows, int cols)
    {
        Assert.Equal((resizedHeight, resizedWidth), Idefics3ImageProcessor.ResizeOutputSize(height, width, longestEdge));
        Assert.Equal((splitHeight, splitWidth), Idefics3ImageProcessor.VisionEncoderSize(resizedHeight, resizedWidth, tile));
        var processor = Processor(longestEdge, tile);
        Assert.Equal((rows, cols, splitHeight, splitWidth), processor.Plan(height, width));
    }

    [Theory]
    [InlineData(700, 300, true)]
    [InlineData(97, 129, true)]
    [InlineData(700, 300, false)]
    public void PixelValuesAreTilesRowMajorThenTheGlobalImage(int width, int height, bool simd)
    {
        // a left half red and a right half blue: after the resizes the first tile column is red, the last blue
        var rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int at = ((y * width) + x) * 3;
                (rgb[at], rgb[at + 1], rgb[at + 2]) = x < width / 2 ? ((byte)255, (byte)0, (byte)0) : ((byte)0, (byte)0, (byte)255);
            }
        }

        var processor = Processor(512, 128, simd);
        var plan = processor.Plan(height, width);
        var pixels = processor.Preprocess(rgb, width, height);
        Assert.Equal((plan.Rows, plan.Cols), (pixels.Rows, pixels.Cols));
        Assert.Equal((plan.Rows * plan.Cols) + 1, pixels.Tiles);
        Assert.Equal(128, pixels.Side);
        Assert.Equal(pixels.Tiles * 3 * 128 * 128, pixels.Data.Length);
        int plane = 128 * 128;
        float RedAt(int tile, int x, int y) => pixels.Data[(tile * 3 * plane) + (y * 128) + x];
        float BlueAt(int tile, int x, int y) => pixels.Data[(tile * 3 * plane) + (2 * plane) + (y * 128) + x];
        int lastInRow = plan.Cols - 1;
        Assert.Equal(1f, RedAt(0, 5, 5), 3);
        Assert.Equal(-1f, BlueAt(0, 5, 5), 3);
        Assert.Equal(1f, BlueAt(lastInRow, 120, 120), 3);
        Assert.Equal(-1f, RedAt(lastInRow, 120, 120), 3);

        // the global image is the whole picture squeezed into one tile: red on the left, blue on the right
        int global = pixels.Tiles - 1;
        Assert.Equal(1f, RedAt(global, 5, 64), 3);
        Assert.Equal(1f, BlueAt(global, 120, 64), 3);
    }

    [Fact]
    public void WithoutSplittingTheImageIsSquaredToOneTile()
    {
        // transformers >= 4.48 (and transformers.js): do_image_splitting false resizes the longest-edge image to tile x tile
        var json = JsonConfig.Parse("""{"size": {"longest_edge": 512}, "max_image_size": {"longest_edge": 128}, "do_image_splitting": false}""", "(test)", "preprocessor_config.json");
        var processor = new Idefics3ImageProcessor(json, new MultimodalOptions());
        Assert.Equal((0, 0, 220, 512), processor.Plan(300, 700));
        var pixels = processor.Preprocess(new byte[700 * 300 * 3], 700, 300);
        Assert.Equal((1, 128, 0, 0), (pixels.Tiles, pixels.Side, pixels.Rows, pixels.Cols));
        Assert.All(pixels.Data, v => Assert.Equal(-1f, v));
    }

    [Fact]
    public void ScalarAndSimdPathsGiveTheSameTensor()
    {
        var rgb = new byte[131 * 77 * 3];
        new Random(5).NextBytes(rgb);
        var simd = Processor(512, 128, true).Preprocess(rgb, 131, 77);
        var scalar = Processor(512, 128, false).Preprocess(rgb, 131, 77);
        Assert.Equal(scalar.Tiles, simd.Tiles);
        for (int i = 0; i < simd.Data.Length; i++)
        {
            Assert.True(Math.Abs(simd.Data[i] - scalar.Data[i]) <= 1e-6f, $"element {i}: {simd.Data[i]} vs {scalar.Data[i]}");
        }
    }

    [Fact]
    public void ALongestEdgeOver4096IsRefusedAtLoad()
    {
        var json = JsonConfig.Parse("""{"size": {"longest_edge": 8192}, "max_image_size": {"longest_edge": 512}}""", "(test)", "preprocessor_config.json");
        var error = Assert.Throws<ModelIncompatibleException>(() => new Idefics3ImageProcessor(json, new MultimodalOptions()));
        Assert.Contains("'size.longest_edge' must be between 1 and 4096 but is 8192", error.Message, StringComparison.Ordinal);
    }

    private static Idefics3ImageProcessor Processor(int longestEdge, int tile, bool? simd = null) =>
        new(JsonConfig.Parse($$"""{"size": {"longest_edge": {{longestEdge}}}, "max_image_size": {"longest_edge": {{tile}}}, "resample": 1, "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]}""", "(test)", "preprocessor_config.json"), new MultimodalOptions(), useSimd: simd);
}

using System.Buffers;

namespace Multimodal.Sdk.Vision.Tests.Imaging;

/// <summary>Valid but extreme images (issue 19, classes 1, 5 and 9): refused as inputs, never as usage errors, and without gigabytes of buffers.</summary>
public sealed class ExtremeImageTests
{
    private static ImagePreprocessor Exact64() =>
        new(ImagePreprocessorConfig.From(JsonConfig.Parse("""{"image_processor_type": "ViTImageProcessor", "size": {"height": 64, "width": 64}, "resample": 2}""")), new MultimodalOptions());

    [Fact]
    public void ShrinkingAOneByTenMillionStripIsRefusedAsTooLargeBeforeAllocatingItsIntermediates()
    {
        var preprocessor = Exact64();
        var rgb = new byte[10_000_000 * 3];
        var tensor = new float[3 * 64 * 64];
        long before = GC.GetAllocatedBytesForCurrentThread();

        var ex = Assert.Throws<InputTooLargeException>(() => preprocessor.Preprocess(rgb, 1, 10_000_000, tensor));

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("MaxIntermediateBytes", ex.Message, StringComparison.Ordinal);
        Assert.True(allocated < 16L << 20, $"allocated {allocated} bytes before refusing");
    }

    [Fact]
    public void IntermediateBytesOfAnExtremeStripAreCountedIn64Bits()
    {
        // 1 x 67,108,864 to 64 x 64: the rows between the passes alone are 67 M x 192 bytes, past int.MaxValue.
        long bytes = PillowResampler.IntermediateBytes(1, 67_108_864, 64, 64, ResampleFilter.Bilinear, 64, 64);

        Assert.True(bytes > 12_000_000_000L, $"{bytes}");
    }

    [Fact]
    public void ATightenedBudgetRefusesWhatTheDefaultAccepts()
    {
        var config = ImagePreprocessorConfig.From(JsonConfig.Parse("""{"image_processor_type": "ViTImageProcessor", "size": {"height": 64, "width": 64}}"""));
        var tight = new ImagePreprocessor(config, new MultimodalOptions { Limits = new InputLimits { MaxIntermediateBytes = 4096 } });
        var rgb = new byte[300 * 200 * 3];
        var tensor = new float[3 * 64 * 64];

        Assert.Equal((64, 64), Exact64().Preprocess(rgb, 300, 200, tensor));
        Assert.Throws<InputTooLargeException>(() => tight.Preprocess(rgb, 300, 200, tensor));
    }

    [Fact]
    public void AShortestEdgeResizeOfAnExtremeAspectRatioIsAnInputErrorNotAnOverflow()
    {
        Assert.Throws<InputTooLargeException>(() => ImagePreprocessor.ShortestEdgeSize(67_108_864, 1, 224));
    }

    [Theory]
    [InlineData("""{"image_processor_type": "ViTImageProcessor", "size": {"height": 100000, "width": 100000}}""", "size.height")]
    [InlineData("""{"image_processor_type": "CLIPImageProcessor", "size": {"shortest_edge": 100000}}""", "size.shortest_edge")]
    [InlineData("""{"image_processor_type": "CLIPImageProcessor", "crop_size": {"height": 0, "width": 224}}""", "crop_size.height")]
    [InlineData("""{"image_processor_type": "ViTImageProcessor", "image_std": [0, 0.5, 0.5]}""", "image_std")]
    public void APreprocessorConfigAskingForAnAbsurdTensorIsAnIncompatibleModelNamingTheKey(string json, string key)
    {
        var ex = Assert.Throws<ModelIncompatibleException>(() => ImagePreprocessorConfig.From(JsonConfig.Parse(json)));

        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADecodedPhotoBufferIsNotKeptInTheSharedPoolAfterDisposal()
    {
        // 6000 x 6000 RGB is 108 MB: the shared pool would keep it per core for the next caller of that bucket.
        const int Width = 6000, Height = 6000;
        using (var image = new RgbImage(Width, Height))
        {
            image.Pixels[0] = 1;
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        var next = ArrayPool<byte>.Shared.Rent(Width * Height * 3);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated >= Width * Height * 3L, $"the shared pool handed back a kept buffer ({allocated} bytes allocated)");
        GC.KeepAlive(next);
    }
}

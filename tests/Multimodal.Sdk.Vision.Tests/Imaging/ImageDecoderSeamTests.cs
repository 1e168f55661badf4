using Microsoft.Extensions.DependencyInjection;

namespace Multimodal.Sdk.Vision.Tests.Imaging;

public sealed class ImageDecoderSeamTests
{
    [Fact]
    public async Task RegisteredDecoderDecodesForEveryVisionPipeline()
    {
        // A "format" ImageSharp cannot read: the first byte is the grey level of a 32 x 32 image.
        var decoder = new GreyByteDecoder();
        var services = new ServiceCollection();
        services.AddMultimodal().UseCpu().UseImageDecoder(decoder)
            .AddClip(TestData.Model("tiny-clip"))
            .AddImageCaptioner(TestData.Model("tiny-captioner"));
        await using var provider = services.BuildServiceProvider();
        var image = ImageData.FromBytes(new byte[] { 200 });

        var embedding = await provider.GetRequiredService<IClipEncoder>().EmbedImageAsync(image);
        var caption = await provider.GetRequiredService<IImageCaptioner>().CaptionAsync(image);

        Assert.Equal(2, decoder.Calls);
        Assert.False(embedding.Vector.IsEmpty);
        Assert.False(string.IsNullOrWhiteSpace(caption.Text));
    }

    [Fact]
    public async Task WithoutARegistrationImageSharpRejectsTheUnknownFormat()
    {
        var services = new ServiceCollection();
        services.AddMultimodal().UseCpu().AddClip(TestData.Model("tiny-clip"));
        await using var provider = services.BuildServiceProvider();

        await Assert.ThrowsAsync<InputDecodeException>(() => provider.GetRequiredService<IClipEncoder>().EmbedImageAsync(ImageData.FromBytes(new byte[] { 200 })));
    }

    private sealed class GreyByteDecoder : IImageDecoder
    {
        private int _calls;

        public int Calls => _calls;

        public RgbImage Decode(ReadOnlySpan<byte> encoded)
        {
            Interlocked.Increment(ref _calls);
            var image = new RgbImage(32, 32);
            image.Pixels.Fill(encoded[0]);
            return image;
        }
    }
}

namespace Multimodal.Sdk.Vision.Tests;

public sealed class RealPhotoTests : IDisposable
{
    private readonly ClipEncoder _clip = new(TestData.Model("tiny-clip"));
    private readonly ImageCaptioner _captioner = new(TestData.Model("tiny-captioner"));

    public void Dispose()
    {
        _clip.Dispose();
        _captioner.Dispose();
    }

    [Theory]
    [InlineData("photo_chelsea.png")]
    [InlineData("photo_rocket.jpg")]
    [InlineData("photo_coffee.png")]
    [InlineData("bench_coffee_640x480.jpg")]
    public async Task OutOfWorldPhotosGoThroughClipAndCaptioningWithoutError(string file)
    {
        // The tiny models only know the shapes world: answers may be nonsense, exceptions are not allowed.
        var image = ImageData.FromFile(Path.Combine(TestData.Root, "tests", "fixtures", "Imaging", file));
        var zeroShot = await _clip.ClassifyAsync(image, TestData.ZeroShotLabels);
        Assert.Equal(1f, zeroShot.Labels.Sum(l => l.Score), 3);
        var caption = await _captioner.CaptionAsync(image, new CaptionOptions { NumBeams = 2 });
        Assert.NotNull(caption.Text);
    }
}

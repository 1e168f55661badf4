using Microsoft.Extensions.DependencyInjection;

namespace Multimodal.Sdk.Vision.Tests.Ocr;

public class OcrReaderTests
{
    private static readonly Lazy<OcrReader> Reader = new(() => new OcrReader(OcrTestData.Model));

    [Fact]
    public async Task ReadsALineWithItsBoxInImageCoordinates()
    {
        var image = OcrTestData.Images.First(i => i.Category == "clean" && i.Lines[0].StartsWith("Call", StringComparison.Ordinal));
        var result = await Reader.Value.ReadAsync(image.FullPath);
        var line = Assert.Single(result.Lines);
        Assert.Equal(image.Lines[0], line.Text);
        Assert.Equal(image.Lines[0], result.Text);
        Assert.InRange(line.Confidence, 0.9f, 1f);
        Assert.All(line.Box, p => Assert.True(p.X >= 0 && p.X < result.Width && p.Y >= 0 && p.Y < result.Height));
    }

    [Fact]
    public async Task WithOcrNodesContainResizeBoxesAreInImageCoordinates()
    {
        // 000.png (640 x 128) on a white 650 x 140 canvas at (4, 6): ocr-node's detector input is 672 x 160 with the image
        // fitted inside (scale 1.034, 7 rows of padding above), but the boxes come back in the canvas's pixels.
        var image = OcrTestData.Images[0];
        using var decoded = new ImageSharpImageDecoder(1L << 30).Decode(File.ReadAllBytes(image.FullPath));
        const int W = 650, H = 140, Left = 4, Top = 6;
        var canvas = new byte[W * H * 3];
        Array.Fill(canvas, (byte)255);
        for (int y = 0; y < decoded.Height; y++)
        {
            decoded.Pixels.Slice(y * decoded.Width * 3, decoded.Width * 3).CopyTo(canvas.AsSpan((((y + Top) * W) + Left) * 3));
        }

        using var reader = new OcrReader(OnnxSessionFactory.Default, OcrTestData.Model, "ocr_config.ocr-node.json");
        var plain = await reader.ReadAsync(image.FullPath);
        var shifted = await reader.ReadAsync(ImageData.FromPixels(canvas, W, H));
        Assert.Equal(plain.Lines.Select(l => l.Text), shifted.Lines.Select(l => l.Text));
        for (int i = 0; i < plain.Lines.Count; i++)
        {
            for (int k = 0; k < 4; k++)
            {
                Assert.InRange(shifted.Lines[i].Box[k].X - Left, plain.Lines[i].Box[k].X - 3, plain.Lines[i].Box[k].X + 3);
                Assert.InRange(shifted.Lines[i].Box[k].Y - Top, plain.Lines[i].Box[k].Y - 3, plain.Lines[i].Box[k].Y + 3);
            }
        }
    }

    [Fact]
    public void SessionsStopSpinningWhenEachRunReturns()
    {
        // Detector, classifier and recognizer run one after another per image; the spinning of one must not hold a
        // core into the next one's run.
        Assert.Equal(3, Reader.Value.Sessions.Count());
        Assert.All(Reader.Value.Sessions, s => Assert.Contains(new KeyValuePair<string, string>("session.force_spinning_stop", "1"), s.ConfigEntries));

        // Where the application turned spinning off, it stays off.
        using var quiet = new OcrReader(OcrTestData.Model, new MultimodalOptions { AllowThreadSpinning = false });
        Assert.All(quiet.Sessions, s => Assert.Contains(new KeyValuePair<string, string>("session.intra_op.allow_spinning", "0"), s.ConfigEntries));
    }

    [Fact]
    public async Task ABlankImageGivesAnEmptyResult()
    {
        var white = new byte[200 * 100 * 3];
        Array.Fill(white, (byte)255);
        var result = await Reader.Value.ReadAsync(ImageData.FromPixels(white, 200, 100));
        Assert.Empty(result.Lines);
        Assert.Equal(string.Empty, result.Text);

        var dot = await Reader.Value.ReadAsync(ImageData.FromPixels(new byte[3], 1, 1));
        Assert.Empty(dot.Lines);
    }

    [Fact]
    public async Task EmptyOrCorruptBytesAreAnInputDecodeException()
    {
        await Assert.ThrowsAsync<InputDecodeException>(() => Reader.Value.ReadAsync(ImageData.FromBytes(Array.Empty<byte>(), "empty.png")));
        await Assert.ThrowsAsync<InputDecodeException>(() => Reader.Value.ReadAsync(ImageData.FromBytes(new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3 }, "broken.png")));
    }

    [Fact]
    public async Task AHugeImageIsReadAtTheDetectorSideLimit()
    {
        // 000.png scaled 4x (2560 x 512): the detector sees it at 960 x 192, the recognizer gets the full-resolution crop.
        var image = OcrTestData.Images[0];
        var (rgb, w, h) = Upscale(image.FullPath, 4);
        var result = await Reader.Value.ReadAsync(ImageData.FromPixels(rgb, w, h));
        var line = Assert.Single(result.Lines);
        Assert.True(OcrTestData.EditDistance(line.Text, image.Text) <= 2, line.Text);
        Assert.True(line.Box.Max(p => p.X) > 2000, "box not in original coordinates");

        using var tight = new OcrReader(OcrTestData.Model, new MultimodalOptions { MaxImagePixels = 1_000_000 });
        await Assert.ThrowsAsync<InputTooLargeException>(() => tight.ReadAsync(ImageData.FromPixels(rgb, w, h)));
    }

    [Fact]
    public async Task AnUpsideDownLineIsTurnedByTheDirectionClassifier()
    {
        var image = OcrTestData.Images.First(i => i.Category == "clean" && i.Lines[0].StartsWith("Invoice", StringComparison.Ordinal));
        var (rgb, w, h) = Upscale(image.FullPath, 1);
        Array.Reverse(rgb); // a half turn (reverses the channel order too: the image is grey)
        var turned = await Reader.Value.ReadAsync(ImageData.FromPixels(rgb, w, h));
        var asIs = await Reader.Value.ReadAsync(ImageData.FromPixels(rgb, w, h), new TextReadOptions { UseDirectionClassifier = false });
        Assert.True(OcrTestData.EditDistance(turned.Text, image.Text) <= 2, turned.Text);
        Assert.True(OcrTestData.EditDistance(asIs.Text, image.Text) > 10, asIs.Text);
    }

    [Fact]
    public async Task MinConfidenceDropsRegionsBelowIt()
    {
        var image = OcrTestData.Images.First(i => i.Category == "doc");
        var all = await Reader.Value.ReadAsync(image.FullPath);
        var none = await Reader.Value.ReadAsync(image.FullPath, new TextReadOptions { MinConfidence = 1.01f });
        Assert.NotEmpty(all.Lines);
        Assert.Empty(none.Lines);
        Assert.Equal(Enumerable.Range(0, all.Lines.Count), all.Lines.Select(l => l.LineNumber));
    }

    [Fact]
    public void AFolderWithoutOcrConfigIsModelNotFound()
    {
        var ex = Assert.Throws<ModelNotFoundException>(() => new OcrReader(TestData.Model("tiny-clip")));
        Assert.Contains("ocr_config.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddTextReaderRegistersTheDefaultAndKeyedReaders()
    {
        var services = new ServiceCollection();
        services.AddMultimodal().UseCpu().AddTextReader(OcrTestData.Model).AddTextReader("second", OcrTestData.Model);
        await using var sp = services.BuildServiceProvider();
        var image = OcrTestData.Images[1];
        var a = await sp.GetRequiredService<ITextReader>().ReadAsync(image.FullPath);
        var b = await sp.GetRequiredKeyedService<ITextReader>("second").ReadAsync(image.FullPath);
        Assert.Equal(a.Text, b.Text);
        Assert.NotSame(sp.GetRequiredService<ITextReader>(), sp.GetRequiredKeyedService<ITextReader>("second"));
        Assert.IsType<OcrReader>(sp.GetRequiredService<ITextReader>());
    }

    private static (byte[] Rgb, int Width, int Height) Upscale(string path, int factor)
    {
        using var decoded = new ImageSharpImageDecoder(MultimodalOptions.DefaultMaxImagePixels).Decode(File.ReadAllBytes(path));
        int w = decoded.Width * factor, h = decoded.Height * factor;
        var rgb = new byte[w * h * 3];
        var src = decoded.Pixels;
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int s = (((y / factor) * decoded.Width) + (x / factor)) * 3;
                int d = ((y * w) + x) * 3;
                rgb[d] = src[s];
                rgb[d + 1] = src[s + 1];
                rgb[d + 2] = src[s + 2];
            }
        }

        return (rgb, w, h);
    }
}

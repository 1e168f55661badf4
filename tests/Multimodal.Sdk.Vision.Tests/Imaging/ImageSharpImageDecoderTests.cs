namespace Multimodal.Sdk.Vision.Tests.Imaging;

public sealed class ImageSharpImageDecoderTests
{
    private readonly ImageSharpImageDecoder _decoder = new(MultimodalOptions.DefaultMaxImagePixels);

    public static TheoryData<string> LosslessCases() => Inputs(lossy: false);

    public static TheoryData<string> OrientationCases() => Inputs(lossy: true);

    [Theory]
    [MemberData(nameof(LosslessCases))]
    public void LosslessFormatsDecodeToThePixelsOfPillowsConvertRgb(string input)
    {
        var e = ImagingFixtures.Find("decode", "input", input);

        using var image = _decoder.Decode(ImagingFixtures.Bytes(input));

        Assert.Equal((e.GetProperty("width").GetInt32(), e.GetProperty("height").GetInt32()), (image.Width, image.Height));
        Assert.Equal(ImagingFixtures.Bytes(e.GetProperty("expected").GetString()!), image.Pixels.ToArray());
    }

    [Theory]
    [MemberData(nameof(OrientationCases))]
    public void ExifOrientationIsAppliedLikePillowsExifTranspose(string input)
    {
        var e = ImagingFixtures.Find("decode", "input", input);
        var expected = ImagingFixtures.Bytes(e.GetProperty("expected").GetString()!);

        using var image = _decoder.Decode(ImagingFixtures.Bytes(input));

        Assert.Equal((e.GetProperty("width").GetInt32(), e.GetProperty("height").GetInt32()), (image.Width, image.Height));

        // Four flat quadrants 200 levels apart: a wrong rotation or flip moves whole quadrants, JPEG loss only blurs edges.
        double mean = 0;
        var actual = image.Pixels;
        for (int i = 0; i < expected.Length; i++)
        {
            mean += Math.Abs(expected[i] - actual[i]);
        }

        Assert.InRange(mean / expected.Length, 0, 3);
    }

    [Fact]
    public void HeaderClaimingTenGigapixelsIsRefusedBeforeAnyPixelBufferIsAllocated()
    {
        var bomb = ImagingFixtures.Bytes("bomb_100000x100000.png");
        long before = GC.GetAllocatedBytesForCurrentThread();

        var ex = Assert.Throws<InputTooLargeException>(() => _decoder.Decode(bomb));

        Assert.Equal(10_000_000_000L, ex.Actual);
        Assert.Equal(MultimodalOptions.DefaultMaxImagePixels, ex.Limit);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 4 << 20);
    }

    [Fact]
    public void PixelBudgetComesFromTheOptions()
    {
        var bytes = ImagingFixtures.Bytes("rgb.bmp");

        Assert.Throws<InputTooLargeException>(() => new ImageSharpImageDecoder(new MultimodalOptions { MaxImagePixels = (24 * 16) - 1 }).Decode(bytes));
        using var image = new ImageSharpImageDecoder(new MultimodalOptions { MaxImagePixels = 24 * 16 }).Decode(bytes);
        Assert.Equal(24, image.Width);
    }

    [Fact]
    public void EmptyInputIsADecodeError()
    {
        var ex = Assert.Throws<InputDecodeException>(() => _decoder.Decode([]));

        Assert.Contains("empty", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RandomBytesAreADecodeErrorNamingTheSupportedFormats()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);

        var ex = Assert.Throws<InputDecodeException>(() => _decoder.Decode(bytes));

        Assert.Contains("JPEG, PNG, WebP, BMP, GIF", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("II*\0\u0008\0\0\0\0\0")]
    [InlineData("P6\n2 2\n255\n\0\0\0\0\0\0\0\0\0\0\0\0")]
    public void FormatsOutsideTheAllowListAreNotDecoded(string header)
    {
        var bytes = header.Select(c => (byte)c).ToArray();

        Assert.Throws<InputDecodeException>(() => _decoder.Decode(bytes));
    }

    [Fact]
    public void ZeroWidthImageIsADecodeError()
    {
        Assert.Throws<InputDecodeException>(() => _decoder.Decode(ImagingFixtures.Bytes("zero_width.png")));
    }

    [Theory]
    [InlineData("photo_rocket.jpg")]
    [InlineData("photo_chelsea.png")]
    [InlineData("anim.gif")]
    [InlineData("lossless.webp")]
    [InlineData("rgb.bmp")]
    public void TruncatedFileIsADecodeError(string input)
    {
        var bytes = ImagingFixtures.Bytes(input);

        var ex = Assert.Throws<InputDecodeException>(() => _decoder.Decode(bytes.AsSpan(0, bytes.Length / 2)));

        Assert.NotEmpty(ex.Message);
    }

    [Theory]
    [InlineData("photo_rocket.jpg")]
    [InlineData("syn_mid_129x97.png")]
    [InlineData("anim.gif")]
    [InlineData("lossless.webp")]
    [InlineData("rgb.bmp")]
    [InlineData("orient6.jpg")]
    public void CorruptedBytesNeverEscapeAsAnythingButSdkExceptions(string input)
    {
        var original = ImagingFixtures.Bytes(input);
        var random = new Random(input.Length);
        for (int round = 0; round < 150; round++)
        {
            var bytes = (byte[])original.Clone();
            int flips = 1 + random.Next(8);
            for (int f = 0; f < flips; f++)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            try
            {
                using var image = _decoder.Decode(bytes.AsSpan(0, random.Next(2) == 0 ? bytes.Length : random.Next(1, bytes.Length)));
                Assert.True(image.Width > 0 && image.Height > 0);
            }
            catch (Exception ex) when (ex is InputDecodeException or InputTooLargeException)
            {
                Assert.NotEmpty(ex.Message);
            }
        }
    }

    private static TheoryData<string> Inputs(bool lossy)
    {
        var data = new TheoryData<string>();
        foreach (var e in ImagingFixtures.Section("decode").Where(e => e.GetProperty("lossy").GetBoolean() == lossy))
        {
            data.Add(e.GetProperty("input").GetString()!);
        }

        return data;
    }
}

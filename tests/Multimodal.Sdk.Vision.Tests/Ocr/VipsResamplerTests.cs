using System.Text.Json;

namespace Multimodal.Sdk.Vision.Tests.Ocr;

/// <summary>
/// The SDK's libvips resize against what sharp 0.33 (libvips 8.15.3) wrote for the same pixels with @gutenye/ocr-node's
/// calls (tests/fixtures/ocr/libvips, <c>node tools/ocr/libvips_fixtures.mjs</c>): line strips to height 48 and the
/// detector's <c>contain</c> resize, byte for byte.
/// </summary>
public class VipsResamplerTests
{
    private static readonly string Folder = Path.Combine(OcrTestData.Fixtures, "libvips");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Manifest().EnumerateArray())
        {
            data.Add(c.GetProperty("input").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ResizesAsSharpDoesByteForByte(string input)
    {
        var c = Manifest().EnumerateArray().Single(e => e.GetProperty("input").GetString() == input);
        using var source = Decode(input);
        using var expected = Decode(c.GetProperty("output").GetString()!);
        byte[] actual;
        int width, height;
        if (c.TryGetProperty("contain", out _))
        {
            (actual, _, _, _) = VipsResampler.Contain(source.Pixels, source.Width, source.Height, 3, expected.Width, expected.Height);
            (width, height) = (expected.Width, expected.Height);
        }
        else
        {
            actual = VipsResampler.Resize(source.Pixels, source.Width, source.Height, 3, source.Height / 48.0, out width, out height);
        }

        Assert.Equal((expected.Width, expected.Height), (width, height));
        int differing = 0, worst = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            int d = Math.Abs(actual[i] - expected.Pixels[i]);
            differing += d > 0 ? 1 : 0;
            worst = Math.Max(worst, d);
        }

        Assert.True(differing == 0, $"{differing} of {actual.Length} bytes differ from sharp's (worst by {worst})");
    }

    private static JsonElement Manifest() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "manifest.json"))).RootElement.GetProperty("cases");

    private static RgbImage Decode(string file) => new ImageSharpImageDecoder(1L << 30).Decode(File.ReadAllBytes(Path.Combine(Folder, file)));
}

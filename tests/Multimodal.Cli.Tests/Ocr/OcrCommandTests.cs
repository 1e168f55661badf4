namespace Multimodal.Cli.Tests.Ocr;

/// <summary>
/// <c>mm ocr</c> on the PP-OCRv4 folder tools/fetch-test-assets.sh assembles (tools/ocr/pp-ocrv4) and the sample with
/// text bundled with mm (assets/text/receipt.png).
/// </summary>
public class OcrCommandTests
{
    private static string Model
    {
        get
        {
            string folder = Path.Combine(Mm.RepoRoot, "tools", "ocr", "pp-ocrv4");
            if (!File.Exists(Path.Combine(folder, "ocr_config.json")))
            {
                Assert.Fail($"PP-OCRv4 model folder missing ({folder}): run tools/fetch-test-assets.sh");
            }

            return folder;
        }
    }

    [Fact]
    public async Task OcrJsonGivesEachImagesTextAndLinesWithScoreAndBox()
    {
        var run = await Mm.RunAsync("ocr", "--image", Mm.Asset(Path.Combine("text", "receipt.png")), "--model", Model, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var result = Assert.Single(run.Results);
        Assert.Equal(["image", "text", "lines"], Mm.Keys(result));
        Assert.Equal("CORNER CAFE\nInvoice 2026-12-03\nTotal: $42.50", result.GetProperty("text").GetString());
        var lines = result.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(3, lines.Count);
        Assert.All(lines, l =>
        {
            Assert.Equal(["text", "score", "box"], Mm.Keys(l));
            Assert.InRange(l.GetProperty("score").GetDouble(), 0.5, 1.0);
            var box = l.GetProperty("box").EnumerateArray().ToList();
            Assert.Equal(4, box.Count);
            Assert.All(box, p => Assert.Equal(2, p.GetArrayLength()));
        });
    }

    [Fact]
    public async Task OcrPrintsATableAndAMissingModelIsExitCodeFour()
    {
        var table = await Mm.RunAsync("ocr", "--image", Mm.Asset(Path.Combine("text", "receipt.png")), "--model", Model);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("Total: $42.50", table.Out, StringComparison.Ordinal);

        var missing = await Mm.RunAsync("ocr", "--image", Mm.Asset(Path.Combine("text", "receipt.png")), "--model", Path.Combine(Path.GetTempPath(), "no-such-ocr-model"));
        Assert.Equal(4, missing.ExitCode);
    }
}

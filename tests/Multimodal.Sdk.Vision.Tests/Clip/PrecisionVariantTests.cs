using System.Diagnostics;
using System.Numerics.Tensors;

namespace Multimodal.Sdk.Vision.Tests.Clip;

/// <summary>
/// The precision variants tools/precisions/make_precisions.py writes (int8 dynamic quantization, fp16 storage) under
/// transformers.js's names are what <see cref="MultimodalOptions.PreferredPrecisions"/> selects, and they load and run:
/// CLIP's image embeddings stay close to fp32 and the captioner (a merged decoder, whose If branches are rewritten
/// too) still captions. The variants are made here (not committed): Debian's python3-onnx, installed by
/// tools/fetch-test-assets.sh.
/// </summary>
public sealed class PrecisionVariantTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-precisions-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(ModelPrecision.Quantized, "_quantized", 0.99)]
    [InlineData(ModelPrecision.Float16, "_fp16", 0.9999)]
    public async Task VariantsTheScriptMakesLoadAndRunThroughPreferredPrecisions(ModelPrecision precision, string suffix, double minCosine)
    {
        string clipFolder = Variant("tiny-clip", suffix);
        string captionerFolder = Variant("tiny-captioner", suffix);
        var options = new MultimodalOptions { PreferredPrecisions = [precision] };
        var images = TestData.Shapes.Take(4).Select(s => ImageData.FromFile(s.FullPath)).ToList();

        using var full = new ClipEncoder(RepoPaths.Models("tiny-clip"));
        using var variant = new ClipEncoder(clipFolder, options);
        var expected = await full.EmbedImagesAsync(images);
        var actual = await variant.EmbedImagesAsync(images);
        for (int i = 0; i < images.Count; i++)
        {
            double cosine = TensorPrimitives.CosineSimilarity(expected[i].Vector.Span, actual[i].Vector.Span);
            Assert.True(cosine >= minCosine, $"image {i}: cosine {cosine} with fp32");
        }

        using var captioner = new ImageCaptioner(captionerFolder, options);
        var captions = await captioner.CaptionAsync(images, new CaptionOptions { MaxNewTokens = 12 });
        Assert.All(captions, c => Assert.False(string.IsNullOrWhiteSpace(c.Text)));

        // Only the variants are in the folder: full precision is not a silent fallback.
        Assert.Throws<ModelNotFoundException>(() => new ClipEncoder(clipFolder));
    }

    // The model folder's JSON files and only the script's variants of its graphs.
    private string Variant(string model, string suffix)
    {
        string source = RepoPaths.Models(model);
        string generated = Path.Combine(_dir, "generated");
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in (string[])[Path.Combine(RepoPaths.Root, "tools", "precisions", "make_precisions.py"), source, "--out", generated, "--only", suffix.TrimStart('_')])
        {
            info.ArgumentList.Add(a);
        }

        using (var p = Process.Start(info)!)
        {
            string stdout = p.StandardOutput.ReadToEnd();
            string err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, $"make_precisions.py failed (tools/fetch-test-assets.sh installs python3-onnx): {stdout}{err}");
        }

        string folder = Path.Combine(_dir, model + suffix);
        Directory.CreateDirectory(Path.Combine(folder, "onnx"));
        foreach (string file in Directory.EnumerateFiles(source, "*.json"))
        {
            File.CreateSymbolicLink(Path.Combine(folder, Path.GetFileName(file)), file);
        }

        foreach (string file in Directory.EnumerateFiles(Path.Combine(generated, model, "onnx"), "*" + suffix + ".onnx"))
        {
            File.Move(file, Path.Combine(folder, "onnx", Path.GetFileName(file)));
        }

        return folder;
    }
}

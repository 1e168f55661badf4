using BenchmarkDotNet.Attributes;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Multimodal.Sdk.Benchmarks.Vision;

/// <summary>
/// Allocation per greedy caption through the public API (bundled tiny-captioner, vocabulary 335) on one decoded
/// 64 x 64 image, capped at 2 new tokens and uncapped. The difference divided by the extra decoder steps is the
/// allocation per step: it must be far below a vocabulary-sized buffer (335 floats = 1.3 KB), which would mean the
/// logits are copied out per step.
/// </summary>
[MinColumn]
[MedianColumn]
public class CaptionAllocationBenchmarks
{
    private ImageCaptioner _captioner = null!;
    private ImageData _image = null!;
    private readonly CaptionOptions _two = new() { MaxNewTokens = 2 };
    private readonly CaptionOptions _full = new() { MaxNewTokens = 24 };

    [GlobalSetup]
    public void Setup()
    {
        _captioner = new ImageCaptioner(BenchmarkModels.Model("tiny-captioner"), new MultimodalOptions { IntraOpThreads = 1 });

        // 000002.jpg of the held-out set, decoded and resized to the model's 64 x 64 beforehand so that the
        // allocations measured are the pipeline's, not ImageSharp's.
        using var decoded = Image.Load<Rgb24>(BenchmarkModels.Fixture("Vision", "shapes-s2027", "000002.jpg"));
        decoded.Mutate(x => x.Resize(64, 64));
        var rgb = new byte[64 * 64 * 3];
        decoded.CopyPixelDataTo(rgb);
        _image = ImageData.FromPixels(rgb, 64, 64);
        Console.WriteLine($"// caption to eos: '{CaptionToEos()}', capped: '{CaptionTwoTokens()}'");
    }

    [GlobalCleanup]
    public void Cleanup() => _captioner.Dispose();

    [Benchmark(Baseline = true)]
    public string CaptionTwoTokens() => _captioner.CaptionAsync(_image, _two).GetAwaiter().GetResult().Text;

    [Benchmark]
    public string CaptionToEos() => _captioner.CaptionAsync(_image, _full).GetAwaiter().GetResult().Text;
}

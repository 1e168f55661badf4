using System.Diagnostics;
using System.Text.Json;

namespace Multimodal.Sdk.Benchmarks.Vision;

/// <summary>
/// Timed OCR throughput (tools/bench/ocr.sh): reads the given images once to warm up, then <c>--rounds</c> times, and
/// prints images/s with the time per stage as JSON. <c>--config</c> picks the folder's config file (the ocr-node
/// settings for a same-work comparison).
/// </summary>
internal static class OcrEndToEnd
{
    public static async Task<int> RunAsync(string[] args)
    {
        string model = "tools/ocr/pp-ocrv4", config = "ocr_config.json";
        int rounds = 3;
        var images = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--model": model = args[++i]; break;
                case "--config": config = args[++i]; break;
                case "--rounds": rounds = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                default: images.Add(args[i]); break;
            }
        }

        // MM_OCR_SPIN=0 (tools/bench/ocr.sh --no-spin): ONNX Runtime's threads wait without spinning.
        var options = new MultimodalOptions { AllowThreadSpinning = Environment.GetEnvironmentVariable("MM_OCR_SPIN") != "0" };
        using var reader = new OcrReader(new OnnxSessionFactory(options), model, config);
        foreach (var image in images)
        {
            await reader.ReadAsync(ImageData.FromFile(image)).ConfigureAwait(false);
        }

        var timings = new OcrTimings();
        int lines = 0;
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (int r = 0; r < rounds; r++)
        {
            foreach (var image in images)
            {
                lines += reader.Read(ImageData.FromFile(image), null, timings, default).Lines.Count;
            }
        }

        double seconds = clock.Elapsed.TotalSeconds;
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        double total = timings.Decode + timings.Detection + timings.PostProcessing + timings.Classification + timings.Recognition;
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            runtime = $"Multimodal.Sdk OcrReader ({config})",
            images = images.Count,
            rounds,
            lines_per_round = lines / rounds,
            total_ms = seconds * 1000,
            images_per_s = images.Count * rounds / seconds,
            cpu_s_per_image = cpuSeconds / (images.Count * rounds),
            share = new
            {
                decode = timings.Decode / total,
                detection = timings.Detection / total,
                post_processing = timings.PostProcessing / total,
                classification = timings.Classification / total,
                recognition = timings.Recognition / total,
            },
        }));
        return 0;
    }
}

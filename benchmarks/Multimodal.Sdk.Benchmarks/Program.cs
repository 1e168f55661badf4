using BenchmarkDotNet.Running;
using Multimodal.Sdk.Benchmarks.Vision;

namespace Multimodal.Sdk.Benchmarks;

internal static class Program
{
    // dotnet run -c Release --project benchmarks/Multimodal.Sdk.Benchmarks -- --filter '*'
    // dotnet run -c Release --project benchmarks/Multimodal.Sdk.Benchmarks -- vision-e2e   (timed mode, tools/bench/vision.sh)
    // dotnet run -c Release --project benchmarks/Multimodal.Sdk.Benchmarks -- clip-overhead   (interleaved raw/SDK pairs)
    // dotnet run -c Release --project benchmarks/Multimodal.Sdk.Benchmarks -- ocr-e2e IMAGE...   (timed mode, tools/bench/ocr.sh)
    private static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "vision-e2e")
        {
            return await VisionEndToEnd.RunAsync(args[1..]).ConfigureAwait(false);
        }

        if (args.Length > 0 && args[0] == "ocr-e2e")
        {
            return await OcrEndToEnd.RunAsync(args[1..]).ConfigureAwait(false);
        }

        if (args.Length > 0 && args[0] == "clip-overhead")
        {
            return ClipOverheadPaired.Run(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, new BenchmarkConfig());
        return 0;
    }
}

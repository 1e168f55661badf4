using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Multimodal.Sdk.Benchmarks.Vision;

/// <summary>
/// The <see cref="ClipOverheadBenchmarks"/> comparison as interleaved pairs: raw ORT run, SDK encoder path, raw, SDK ...
/// on the same tensor, so both sides see the same machine load at the same moment (BenchmarkDotNet measures one
/// method after the other, minutes apart, which on a shared machine can swamp a few-percent difference).
/// Reports the ratio of medians and of minimums per batch size as JSON.
/// </summary>
/// <remarks><c>dotnet run -c Release --project benchmarks/Multimodal.Sdk.Benchmarks -- clip-overhead [--pairs N]</c>.</remarks>
internal static class ClipOverheadPaired
{
    public static int Run(string[] args)
    {
        int i = Array.IndexOf(args, "--pairs");
        int pairs = i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : 2000;
        var report = new Dictionary<string, object> { ["pairs"] = pairs, ["intra_op_threads"] = 1 };
        foreach (int batch in new[] { 1, 32 })
        {
            var bench = new ClipOverheadBenchmarks { Batch = batch };
            bench.Setup();
            try
            {
                int n = batch == 1 ? pairs : Math.Max(50, pairs / 16);
                var raw = new double[n];
                var sdk = new double[n];
                for (int w = 0; w < 20; w++)
                {
                    bench.RawOrtRun();
                    bench.SdkEncoderPath();
                }

                for (int k = 0; k < n; k++)
                {
                    // alternate which side goes first, so neither always runs on the warmer cache
                    if (k % 2 == 0)
                    {
                        (raw[k], sdk[k]) = TimePair(bench.RawOrtRun, bench.SdkEncoderPath);
                    }
                    else
                    {
                        (sdk[k], raw[k]) = TimePair(bench.SdkEncoderPath, bench.RawOrtRun);
                    }
                }

                double Median(double[] a) => a.Order().ElementAt(a.Length / 2);
                report[$"batch{batch}"] = new Dictionary<string, double>
                {
                    ["pairs"] = n,
                    ["raw_median_us"] = Median(raw),
                    ["sdk_median_us"] = Median(sdk),
                    ["ratio_of_medians"] = Median(sdk) / Median(raw),
                    ["raw_min_us"] = raw.Min(),
                    ["sdk_min_us"] = sdk.Min(),
                    ["ratio_of_minimums"] = sdk.Min() / raw.Min(),
                    ["median_of_paired_ratios"] = Median([.. sdk.Zip(raw, (s, r) => s / r)]),
                };
            }
            finally
            {
                bench.Cleanup();
            }
        }

        Console.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    /// <summary>Runs <paramref name="first"/> then <paramref name="second"/> back to back; each one's time in microseconds.</summary>
    private static (double First, double Second) TimePair(Func<float> first, Func<float> second)
    {
        long t0 = Stopwatch.GetTimestamp();
        first();
        long t1 = Stopwatch.GetTimestamp();
        second();
        long t2 = Stopwatch.GetTimestamp();
        return (Stopwatch.GetElapsedTime(t0, t1).TotalMicroseconds, Stopwatch.GetElapsedTime(t1, t2).TotalMicroseconds);
    }
}

namespace Multimodal.Sdk.Benchmarks.Imaging;

/// <summary>Finds the benchmark photo committed with the test fixtures (written by tools/reference/images.py).</summary>
internal static class BenchmarkImages
{
    public static byte[] Coffee640x480Jpeg() => File.ReadAllBytes(Path.Combine(RepoRoot(), "tests", "fixtures", "Imaging", "bench_coffee_640x480.jpg"));

    private static string RepoRoot()
    {
        // BenchmarkDotNet runs from a generated folder below bin/, so walk up to the solution.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Multimodal.Sdk.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Run the benchmarks from inside the repository.");
    }
}

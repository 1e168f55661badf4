namespace Multimodal.Sdk.Benchmarks.Vision;

/// <summary>Finds the bundled zoo models and the committed shapes-world images from wherever the benchmark runs.</summary>
internal static class BenchmarkModels
{
    public static string Root { get; } = FindRoot();

    public static string Model(string name) => Path.Combine(Root, "models", name);

    public static string Fixture(params string[] parts) => Path.Combine([Root, "tests", "fixtures", .. parts]);

    private static string FindRoot()
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

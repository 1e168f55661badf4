using System.Reflection;

namespace Multimodal.Sdk.Speech.Tests;

/// <summary>Finds committed fixtures and bundled models from the repository root recorded at build time.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepoRoot").Value!;

    public static string Fixtures(params string[] parts) => Path.Combine([Root, "tests", "fixtures", .. parts]);

    public static string Models(string name) => Path.Combine(Root, "models", name);
}

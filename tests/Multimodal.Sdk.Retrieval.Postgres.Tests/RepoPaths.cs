using System.Reflection;

namespace Multimodal.Sdk.Retrieval.Postgres.Tests;

/// <summary>Finds the repository root recorded at build time (tools/pglite lives there).</summary>
internal static class RepoPaths
{
    public static string Root { get; } = typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepoRoot").Value!;
}

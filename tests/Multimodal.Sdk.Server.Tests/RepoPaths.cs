using System.Reflection;

namespace Multimodal.Sdk.Server.Tests;

internal static class RepoPaths
{
    public static string Root { get; } = typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepoRoot").Value!;

    public static string Asset(string name) => Path.Combine(Root, "samples", "Multimodal.Cli", "assets", name);

    public static string ServerTests => Path.Combine(Root, "tools", "server-tests");
}

using System.Reflection;
using System.Text.Json;

namespace Multimodal.Sdk.Vision.Tests;

/// <summary>Bundled models and held-out shapes-world images (tools/zoo/shapes.py --seed 777 --count 24).</summary>
internal static class TestData
{
    public static string Root { get; } = typeof(TestData).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepoRoot").Value!;

    public static string Model(string name) => Path.Combine(Root, "models", name);

    public static string ShapesFolder { get; } = Path.Combine(Root, "tests", "fixtures", "Vision", "shapes-s777");

    public static IReadOnlyList<ShapesImage> Shapes { get; } = File.ReadAllLines(Path.Combine(ShapesFolder, "labels.jsonl"))
        .Where(l => l.Length > 0)
        .Select(l => JsonSerializer.Deserialize<ShapesImage>(l, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!)
        .ToList();

    public static string[] ZeroShotLabels { get; } =
        [.. from colour in new[] { "red", "green", "blue", "yellow", "purple", "orange", "white", "black" }
            from shape in new[] { "circle", "square", "triangle", "star", "cross" }
            select $"{colour} {shape}"];

    internal sealed record ShapesImage(string File, int Width, int Height, string Caption, List<ShapesObject> Objects, List<ShapesQa> Qa)
    {
        public string FullPath => Path.Combine(ShapesFolder, File);
    }

    internal sealed record ShapesObject(string Shape, string Colour, string Size);

    internal sealed record ShapesQa(string Question, string Answer);
}

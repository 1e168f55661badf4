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

    /// <summary>The labels of every shapes-world fixture folder (tests/fixtures/Vision/shapes-*), all the tiny models were ever trained on.</summary>
    public static IReadOnlyList<ShapesImage> AllShapes { get; } = Directory.GetDirectories(Path.Combine(Root, "tests", "fixtures", "Vision"), "shapes-*")
        .SelectMany(folder => File.ReadAllLines(Path.Combine(folder, "labels.jsonl")))
        .Where(l => l.Length > 0)
        .Select(l => JsonSerializer.Deserialize<ShapesImage>(l, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!)
        .ToList();

    /// <summary>Every word of every shapes-world caption: the whole vocabulary of a description.</summary>
    public static IReadOnlySet<string> CaptionWords { get; } = AllShapes.SelectMany(s => s.Caption.Split(' ')).ToHashSet(StringComparer.Ordinal);

    /// <summary>The answers the shapes world's labels give to a question, by its first words ("what color", "how many", ...).</summary>
    public static IReadOnlySet<string> AnswersTo(string questionStart) =>
        AllShapes.SelectMany(s => s.Qa).Where(q => q.Question.StartsWith(questionStart, StringComparison.Ordinal)).Select(q => q.Answer).ToHashSet(StringComparer.Ordinal);

    /// <summary>Every answer the shapes world's labels give to any question (words, counts, yes/no, captions).</summary>
    public static IReadOnlySet<string> AllAnswers { get; } = AllShapes.SelectMany(s => s.Qa).Select(q => q.Answer).ToHashSet(StringComparer.Ordinal);

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

using System.Text.Json;

namespace Multimodal.Sdk.Vision.Tests.HeldOut;

/// <summary>
/// A fresh held-out set (tools/zoo/shapes.py --seed 2027 --count 200, never seen in training or in the zoo's own
/// evaluation on seed 1001) and the zoo's PyTorch accuracies on exactly those files
/// (shapes-s2027-pytorch.json, tools/bench/heldout_pytorch.py).
/// </summary>
internal static class HeldOutSet
{
    /// <summary>The SDK must land within this many accuracy points of PyTorch (issue 5).</summary>
    public const double Tolerance = 0.01;

    public static string Folder { get; } = Path.Combine(TestData.Root, "tests", "fixtures", "Vision", "shapes-s2027");

    public static IReadOnlyList<TestData.ShapesImage> Images { get; } = File.ReadAllLines(Path.Combine(Folder, "labels.jsonl"))
        .Where(l => l.Length > 0)
        .Select(l => JsonSerializer.Deserialize<TestData.ShapesImage>(l, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!)
        .ToList();

    public static JsonElement PyTorch { get; } = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestData.Root, "tests", "fixtures", "Vision", "shapes-s2027-pytorch.json"))).RootElement;

    public static ImageData Load(TestData.ShapesImage image) => ImageData.FromFile(Path.Combine(Folder, image.File));

    /// <summary>The zoo's question types (tools/zoo/vision/train_vlm.py <c>qtype</c>), first matching key wins.</summary>
    public static string QuestionType(string question)
    {
        foreach (var (key, name) in new[] { ("what color", "color"), ("what shape", "shape"), ("how many", "count"), ("is there", "exists"), ("large or small", "size"), ("describe", "describe") })
        {
            if (question.StartsWith(key, StringComparison.Ordinal) || question.Contains(key, StringComparison.Ordinal))
            {
                return name;
            }
        }

        throw new ArgumentException($"No question type for '{question}'.", nameof(question));
    }
}

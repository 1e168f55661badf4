using System.Text.Json;

namespace Multimodal.Sdk.Evaluation.Tests;

/// <summary>Reads the committed JSON fixtures under tests/fixtures/Evaluation.</summary>
internal static class Fixture
{
    public static JsonElement Load(string name) =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixtures("Evaluation", name))).RootElement;

    public static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    public static double[] Doubles(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetDouble())];
}

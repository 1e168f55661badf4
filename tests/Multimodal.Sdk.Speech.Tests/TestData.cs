using System.Reflection;
using System.Text.Json;

namespace Multimodal.Sdk.Speech.Tests;

/// <summary>The bundled tiny-whisper model and the speech fixtures with the PyTorch reference's outputs.</summary>
internal static class TestData
{
    public static string Root { get; } = typeof(TestData).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepoRoot").Value!;

    public static string Model(string name) => Path.Combine(Root, "models", name);

    public static string WhisperPath => Model("tiny-whisper");

    public static string Fixtures { get; } = Path.Combine(Root, "tests", "fixtures", "speech");

    public static string Fixture(string name) => Path.Combine(Fixtures, name);

    public static AudioData Wav(string name) => AudioFile.Read(Fixture(name));

    public static float[] ReadFloats(string name)
    {
        var bytes = File.ReadAllBytes(Fixture(name));
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, values.Length * 4);
        return values;
    }

    public static JsonElement Expected { get; } = JsonDocument.Parse(File.ReadAllText(Fixture("expected.json"))).RootElement;

    public static JsonElement Clip(string wav) => Expected.GetProperty("clips").EnumerateArray().Single(c => c.GetProperty("wav").GetString() == wav);

    public static IEnumerable<string> ClipNames() => Expected.GetProperty("clips").EnumerateArray().Select(c => c.GetProperty("wav").GetString()!);
}

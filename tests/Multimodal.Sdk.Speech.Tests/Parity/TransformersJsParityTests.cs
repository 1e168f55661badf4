namespace Multimodal.Sdk.Speech.Tests.Parity;

/// <summary>
/// The SDK against transformers.js 4.x (the independent reference) on held-out speech-world clips: the same
/// transcripts on at least 99% of them (issue 6). The fixture is written by
/// <c>node tools/bench/speech_transformersjs.mjs parity ...</c> (commands in <c>docs/bench/speech.md</c>).
/// </summary>
public sealed class TransformersJsParityTests(HeldOutClips clips) : IClassFixture<HeldOutClips>, IDisposable
{
    private const double RequiredRate = 0.99;

    private readonly WhisperRecognizer _recognizer = new(TestData.WhisperPath);

    public void Dispose() => _recognizer.Dispose();

    [Fact]
    public void RegeneratedClipsAreBitIdenticalToTheOnesTransformersJsTranscribed()
    {
        var mismatched = clips.Mismatched();
        Assert.True(
            mismatched.Count == 0,
            $"{mismatched.Count} of {clips.Clips.Count} regenerated clips in {clips.Folder} differ from the files transformers.js transcribed "
            + $"(first: {string.Join(", ", mismatched.Take(5).Select(c => c.Set + "/" + c.File))}). The generator is not deterministic on this machine; "
            + $"the fixture was made with {clips.Generator.GetProperty("tools")}.");
    }

    [Fact]
    public void FixtureWasMadeWithTheCommittedModelsGraphs()
    {
        // A retrained tiny-whisper needs a new fixture (tools/bench/speech_parity.sh); parity with the old model's
        // transcripts would prove nothing about the new one.
        string onnx = Path.Combine(TestData.WhisperPath, "onnx");
        var committed = Directory.EnumerateFiles(onnx, "*.onnx").ToDictionary(f => Path.GetFileName(f), HeldOutClips.Sha256);
        Assert.NotEmpty(clips.ModelGraphs);
        foreach (var (graph, sha) in clips.ModelGraphs)
        {
            Assert.True(committed.TryGetValue(graph, out var actual), $"The fixture was made with {graph}, which models/tiny-whisper no longer has.");
            Assert.True(actual == sha, $"models/tiny-whisper/onnx/{graph} is not the graph transformers.js ran (fixture {sha[..12]}, committed {actual![..12]}): rerun tools/bench/speech_parity.sh.");
        }

        Assert.Equal(committed.Keys.Order(StringComparer.Ordinal), clips.ModelGraphs.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void FixtureCoversHeldOutSpeechAndNoSpeechClips()
    {
        Assert.True(clips.Clips.Count(c => c.Set == "short") >= 100);
        Assert.Contains(clips.Clips, c => c.Set == "nospeech");
        Assert.All(clips.Clips.Where(c => c.Set == "nospeech"), c => Assert.Equal(string.Empty, c.TransformersJs));
    }

    [Fact]
    public async Task TranscriptsEqualTransformersJsOnAtLeast99PercentOfClipsWithTheLanguageGiven()
    {
        // transformers.js was given each clip's language (it does not detect it), so the SDK is too.
        await AssertParity(c => new SpeechRecognitionOptions { Language = c.Language });
    }

    [Fact]
    public async Task TranscriptsWithDetectedLanguageEqualTransformersJsOnAtLeast99PercentOfClips()
    {
        // Language detection on top: the SDK must pick the language transformers.js was told (no-speech clips: any).
        await AssertParity(_ => null);
    }

    private async Task AssertParity(Func<HeldOutClips.Clip, SpeechRecognitionOptions?> options)
    {
        var differences = new List<string>();
        foreach (var clip in clips.Clips)
        {
            var result = await _recognizer.TranscribeAsync(AudioFile.Read(clips.PathOf(clip)), options(clip));
            if (result.Text != clip.TransformersJs)
            {
                differences.Add($"{clip.Set}/{clip.File} [{clip.Language}]: SDK \"{result.Text}\" ({result.Language}), transformers.js \"{clip.TransformersJs}\"");
            }
        }

        double rate = 1.0 - ((double)differences.Count / clips.Clips.Count);
        Assert.True(
            rate >= RequiredRate,
            $"Same transcript as transformers.js on {clips.Clips.Count - differences.Count} of {clips.Clips.Count} clips ({rate:P1}; required {RequiredRate:P0}):\n{string.Join('\n', differences)}");
    }
}

using System.Security.Cryptography;
using System.Text.Json;

namespace Multimodal.Sdk.Speech.Tests.Parity;

/// <summary>
/// The held-out speech-world clips transformers.js transcribed for <c>transformersjs-transcripts.json</c>. They are
/// too big to commit (about 10 MB), so they are synthesised again with the project's generator
/// (<c>tools/zoo/speech.py</c>: espeak-ng + sox + numpy, deterministic for a seed) into a cache folder under the
/// temp directory, and each file's SHA-256 is compared with the one transformers.js saw.
/// </summary>
public sealed class HeldOutClips
{
    public HeldOutClips()
    {
        var fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestData.Root, "tests", "Multimodal.Sdk.Speech.Tests", "Parity", "transformersjs-transcripts.json"))).RootElement;
        Generator = fixture.GetProperty("generator");
        ModelGraphs = fixture.GetProperty("model").GetProperty("graphs").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        Clips = [.. fixture.GetProperty("clips").EnumerateArray().Select(c => new Clip(
            c.GetProperty("set").GetString()!,
            c.GetProperty("file").GetString()!,
            c.GetProperty("sha256").GetString()!,
            c.GetProperty("language").GetString()!,
            c.GetProperty("transformers_js").GetString()!))];
        Folder = Path.Combine(Path.GetTempPath(), "multimodal-sdk-speech-parity", Generator.GetProperty("key").GetString()!);
        if (Mismatched().Count > 0)
        {
            Generate();
        }
    }

    public JsonElement Generator { get; }

    /// <summary>Gets the SHA-256 of each graph of models/tiny-whisper that transformers.js ran, by file name.</summary>
    public IReadOnlyDictionary<string, string> ModelGraphs { get; }

    public IReadOnlyList<Clip> Clips { get; }

    public string Folder { get; }

    public string PathOf(Clip clip) => Path.Combine(Folder, clip.Set, clip.File);

    /// <summary>Gets the clips whose file is missing or differs from the one transformers.js transcribed.</summary>
    public IReadOnlyList<Clip> Mismatched() => [.. Clips.Where(c => !File.Exists(PathOf(c)) || Sha256(PathOf(c)) != c.Sha256)];

    internal static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    // Generate into a fresh folder, then swap it in, so an interrupted run never leaves a half-written cache.
    private void Generate()
    {
        string staging = Folder + ".tmp-" + Environment.ProcessId;
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        foreach (var command in Generator.GetProperty("commands").EnumerateArray())
        {
            var args = command.EnumerateArray().Select(a => a.GetString()!.Replace("OUT", staging, StringComparison.Ordinal)).ToList();
            ZooPython.Run(args);
        }

        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Folder)!);
        try
        {
            Directory.Move(staging, Folder);
        }
        catch (IOException) when (Directory.Exists(Folder))
        {
            // Another test process generated the same clips first; theirs are checked like ours would be.
            Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>One clip and what transformers.js transcribed.</summary>
    public sealed record Clip(string Set, string File, string Sha256, string Language, string TransformersJs);
}

using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Multimodal.Sdk.Fuzz.Tests;

/// <summary>
/// Every key of the zoo models' <c>config.json</c>, <c>preprocessor_config.json</c> and <c>tokenizer.json</c> (two levels
/// deep), removed or given a value of the wrong type, in a copy of the folder that is then loaded and run: the result is
/// either a pipeline that works or a <see cref="ModelIncompatibleException"/> naming the file (and, for a value of the
/// wrong type or a required key that is missing, the key), never a <see cref="NullReferenceException"/> or any other
/// exception from deep inside. CI runs one mutation per key (alternating removal and a wrong type) on every key of
/// <c>preprocessor_config.json</c> and every twelfth key of the others; BROKEN_FOLDERS_ALL=1 runs both on every key.
/// </summary>
public sealed class BrokenModelFolderTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] Files = ["config.json", "preprocessor_config.json", "tokenizer.json"];

    private readonly string _dir = Directory.CreateTempSubdirectory("mm-broken-").FullName;
    private int _copies;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("tiny-clip")]
    [InlineData("tiny-captioner")]
    [InlineData("tiny-whisper")]
    [InlineData("tiny-vlm")]
    public async Task EveryMissingOrWrongTypedKeyLoadsOrIsAModelIncompatibleErrorNamingTheFile(string model)
    {
        bool all = Environment.GetEnvironmentVariable("BROKEN_FOLDERS_ALL") == "1";
        string source = Path.Combine(Seeds.RepoRoot, "models", model);
        var problems = new List<string>();
        int cases = 0, loaded = 0, refused = 0;
        foreach (string file in Files)
        {
            var root = JsonNode.Parse(File.ReadAllText(Path.Combine(source, file)))!.AsObject();
            var paths = Paths(root, string.Empty, depth: 0).ToList();
            for (int i = 0; i < paths.Count; i++)
            {
                // CI's share: every key of the small preprocessor file, every twelfth of the others (about 80 loads in all).
                if (!all && file != "preprocessor_config.json" && i % 12 is not (0 or 6))
                {
                    continue;
                }

                foreach (bool remove in all ? new[] { true, false } : [i % 2 == 0])
                {
                    var broken = root.DeepClone().AsObject();
                    string key = paths[i];
                    string name = key.Replace('\u0001', '.');
                    string change = Mutate(broken, key, remove);
                    string folder = Copy(source, file, broken.ToJsonString());
                    cases++;
                    string? outcome = await RunAsync(model, folder);
                    Directory.Delete(folder, recursive: true);
                    if (outcome is null)
                    {
                        loaded++;
                        continue;
                    }

                    if (outcome.StartsWith("refused: ", StringComparison.Ordinal))
                    {
                        refused++;
                        output.WriteLine($"  {file} {name} {change}: {outcome}");
                        if (!outcome.Contains(file, StringComparison.Ordinal))
                        {
                            problems.Add($"{file} {name} {change}: the error does not name the file: {outcome}");
                        }

                        continue;
                    }

                    problems.Add($"{file} {name} {change}: {outcome}");
                }
            }
        }

        output.WriteLine($"{model}: {cases} broken copies, {loaded} loaded and ran, {refused} refused with ModelIncompatibleException");
        Assert.True(problems.Count == 0, $"{problems.Count} problems:\n{string.Join('\n', problems.Take(40))}");
    }

    // Keys of objects up to two levels down; large maps (a vocabulary) are one key, not thousands.
    private static IEnumerable<string> Paths(JsonObject node, string prefix, int depth)
    {
        foreach (var (name, value) in node)
        {
            string path = prefix + name;
            yield return path;
            if (depth < 2 && value is JsonObject child && child.Count <= 40)
            {
                foreach (string p in Paths(child, path + "\u0001", depth + 1))
                {
                    yield return p;
                }
            }
        }
    }

    private static string Mutate(JsonObject root, string path, bool remove)
    {
        string[] parts = path.Split('\u0001');
        var parent = root;
        foreach (string part in parts[..^1])
        {
            parent = parent[part]!.AsObject();
        }

        string last = parts[^1];
        if (remove)
        {
            parent.Remove(last);
            return "removed";
        }

        JsonNode? value = parent[last];
        JsonNode wrong = value switch
        {
            JsonValue v when v.TryGetValue(out string? _) => JsonValue.Create(7),
            JsonObject => JsonValue.Create(3),
            JsonArray => new JsonObject { ["a"] = 1 },
            _ => JsonValue.Create("x"),
        };
        parent[last] = wrong;
        return $"set to {wrong.ToJsonString()}";
    }

    private string Copy(string source, string brokenFile, string brokenJson)
    {
        string folder = Path.Combine(_dir, $"m{++_copies}");
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(source, file);
            string target = Path.Combine(folder, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (relative == brokenFile)
            {
                File.WriteAllText(target, brokenJson);
            }
            else
            {
                File.CreateSymbolicLink(target, file);
            }
        }

        return folder;
    }

    /// <summary>Null when the pipeline loaded and ran; "refused: message" for a model error; otherwise what went wrong.</summary>
    private static async Task<string?> RunAsync(string model, string folder)
    {
        var image = ImageData.FromBytes(Seeds.Images[0].Bytes);
        try
        {
            switch (model)
            {
                case "tiny-clip":
                    using (var clip = new ClipEncoder(folder))
                    {
                        _ = await clip.ClassifyAsync(image, ["a red circle", "a blue square"]);
                    }

                    break;
                case "tiny-captioner":
                    using (var captioner = new ImageCaptioner(folder))
                    {
                        _ = await captioner.CaptionAsync([image], new CaptionOptions { MaxNewTokens = 4 });
                    }

                    break;
                case "tiny-whisper":
                    using (var whisper = new WhisperRecognizer(folder))
                    {
                        _ = await whisper.TranscribeAsync(new AudioData(new float[16000], 16000), new SpeechRecognitionOptions { MaxNewTokens = 4 });
                    }

                    break;
                default:
                    using (var vqa = new VisualQa(folder))
                    {
                        _ = await vqa.AnswerAsync(image, ["what shape is it?"], new VisualQaOptions { MaxNewTokens = 4 });
                    }

                    break;
            }

            return null;
        }
        catch (Exception ex) when (ex is ModelIncompatibleException or ModelNotFoundException)
        {
            return ex.Message.Contains("Object reference", StringComparison.Ordinal) || ex.Message.Contains("   at ", StringComparison.Ordinal)
                ? $"internals in the message: {ex.Message}"
                : "refused: " + ex.Message;
        }
        catch (Exception ex)
        {
            return $"{ex.GetType().Name}: {ex.Message.Split('\n')[0]}";
        }
    }
}

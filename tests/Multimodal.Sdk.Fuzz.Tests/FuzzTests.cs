using System.Diagnostics;
using System.Globalization;
using Multimodal.Cli;
using Xunit.Abstractions;

namespace Multimodal.Sdk.Fuzz.Tests;

/// <summary>
/// Seeded malformed inputs (seed 19) through the public API and <c>mm</c>'s entry point: images of every registered
/// format, WAV and ffmpeg-decoded audio, model folders and <c>mm eval</c> JSON. Each must end in a documented exception
/// type or exit code (never 1, 2 or 134 for a bad input, never a stack trace or a decoder's internals in a message),
/// within a bounded time and allocation. FUZZ_CASES sets the count (default 1000; docs/reliability.md: the full run).
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int Seed = 19;
    private static readonly TimeSpan MaxTimePerCase = TimeSpan.FromSeconds(30);
    private const long MaxAllocatedPerCase = 1536L << 20;

    private readonly string _dir = Directory.CreateTempSubdirectory("mm-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static int Count(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : fallback;

    [Fact]
    public async Task MalformedInputsEndOnlyInDocumentedErrors()
    {
        int cases = Count("FUZZ_CASES", 1000);
        var mutator = new Mutator(Seed);
        var problems = new List<string>();
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        string models = Path.Combine(Seeds.RepoRoot, "models");
        using var clip = new ClipEncoder(Path.Combine(models, "tiny-clip"));
        using var whisper = new WhisperRecognizer(Path.Combine(models, "tiny-whisper"));
        var total = Stopwatch.StartNew();

        for (int i = 0; i < cases; i++)
        {
            int slot = i % 100;
            string kind = slot switch
            {
                < 55 => "image",
                < 57 => "image-cli",
                < 74 => "wav",
                < 75 => "wav-transcribe",
                < 77 => Seeds.Containers.Count > 0 ? "container" : "wav",
                < 80 => "model",
                _ => "eval-cli",
            };
            long allocated = GC.GetTotalAllocatedBytes();
            var watch = Stopwatch.StartNew();
            string outcome;
            try
            {
                outcome = kind switch
                {
                    "image" => await ImageAsync(clip, mutator),
                    "image-cli" => await ImageCliAsync(mutator),
                    "wav" => Wav(mutator, Seeds.Wavs[mutator.Random.Next(Seeds.Wavs.Count)], Seeds.WavLie),
                    "wav-transcribe" => await TranscribeAsync(whisper, mutator),
                    "container" => Wav(mutator, Seeds.Containers[mutator.Random.Next(Seeds.Containers.Count)], null),
                    "model" => await ModelAsync(mutator, models, i),
                    _ => await EvalAsync(mutator),
                };
            }
            catch (Exception ex)
            {
                outcome = "undocumented " + ex.GetType().Name;
                problems.Add($"case {i} ({kind}): {ex.GetType().FullName}: {ex.Message.Split('\n')[0]}");
            }

            watch.Stop();
            allocated = GC.GetTotalAllocatedBytes() - allocated;
            if (watch.Elapsed > MaxTimePerCase)
            {
                problems.Add($"case {i} ({kind}) took {watch.Elapsed.TotalSeconds:F1} s");
            }

            if (allocated > MaxAllocatedPerCase)
            {
                problems.Add($"case {i} ({kind}) allocated {allocated >> 20} MB");
            }

            if (outcome.StartsWith("bad:", StringComparison.Ordinal))
            {
                problems.Add($"case {i} ({kind}): {outcome}");
            }

            string key = $"{kind}: {(outcome.StartsWith("bad:", StringComparison.Ordinal) ? "bad" : outcome)}";
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
        }

        output.WriteLine($"{cases} cases (seed {Seed}) in {total.Elapsed.TotalSeconds:F1} s");
        foreach (var (key, n) in outcomes.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {key}: {n}");
        }

        Assert.True(problems.Count == 0, $"{problems.Count} problems:\n{string.Join('\n', problems.Take(40))}");
    }

    private static string Check(Exception ex, params Type[] allowed)
    {
        if (!allowed.Any(t => t.IsInstanceOfType(ex)))
        {
            return $"bad: {ex.GetType().Name}: {ex.Message.Split('\n')[0]}";
        }

        return ex.Message.Contains("Object reference", StringComparison.Ordinal) || ex.Message.Contains("divide by zero", StringComparison.Ordinal) || ex.Message.Contains("   at ", StringComparison.Ordinal)
            ? $"bad: internals in the message: {ex.Message}"
            : ex.GetType().Name;
    }

    private static async Task<string> ImageAsync(IClipEncoder clip, Mutator m)
    {
        var (format, bytes) = Seeds.Images[m.Random.Next(Seeds.Images.Count)];
        byte[] input = m.Mutate(bytes, (b, r) => Seeds.HeaderLie(format, b, r));
        try
        {
            _ = await clip.EmbedImageAsync(ImageData.FromBytes(input));
            return "ok";
        }
        catch (Exception ex)
        {
            return Check(ex, typeof(InputDecodeException), typeof(InputTooLargeException));
        }
    }

    private async Task<string> ImageCliAsync(Mutator m)
    {
        var (format, bytes) = Seeds.Images[m.Random.Next(Seeds.Images.Count)];
        string path = Path.Combine(_dir, "input." + format.ToLowerInvariant());
        File.WriteAllBytes(path, m.Mutate(bytes, (b, r) => Seeds.HeaderLie(format, b, r)));
        return await CliAsync(["classify", "--image", path, "--labels", "a,b", "--json"]);
    }

    private static string Wav(Mutator m, byte[] seed, Func<byte[], Random, byte[]?>? lie)
    {
        try
        {
            _ = AudioFile.Read(new MemoryStream(m.Mutate(seed, lie)), targetSampleRate: 16000);
            return "ok";
        }
        catch (Exception ex)
        {
            return Check(ex, typeof(InputDecodeException), typeof(InputTooLargeException));
        }
    }

    private static async Task<string> TranscribeAsync(WhisperRecognizer whisper, Mutator m)
    {
        try
        {
            _ = await whisper.TranscribeAsync(new MemoryStream(m.Mutate(Seeds.Wavs[m.Random.Next(Seeds.Wavs.Count)], Seeds.WavLie)), new SpeechRecognitionOptions { MaxNewTokens = 2 });
            return "ok";
        }
        catch (Exception ex)
        {
            return Check(ex, typeof(InputDecodeException), typeof(InputTooLargeException));
        }
    }

    private async Task<string> ModelAsync(Mutator m, string models, int index)
    {
        string name = m.Random.Next(2) == 0 ? "tiny-captioner" : "tiny-clip";
        string source = Path.Combine(models, name);
        string folder = Path.Combine(_dir, $"model-{index}");
        var files = Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("eval.json", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        string victim = files[m.Random.Next(files.Count)];
        foreach (string file in files)
        {
            string target = Path.Combine(folder, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (file != victim)
            {
                File.CreateSymbolicLink(target, file);
            }
            else if (file.EndsWith(".json", StringComparison.Ordinal))
            {
                File.WriteAllText(target, m.MutateJson(File.ReadAllText(file)));
            }
            else if (m.Random.Next(4) > 0)
            {
                byte[] bytes = File.ReadAllBytes(file);
                File.WriteAllBytes(target, m.Random.Next(2) == 0 ? bytes[..m.Random.Next(bytes.Length)] : m.Mutate(bytes[..Math.Min(bytes.Length, 4096)]));
            }
        }

        try
        {
            var image = ImageData.FromBytes(Seeds.Images[0].Bytes);
            if (name == "tiny-clip")
            {
                using var clip = new ClipEncoder(folder);
                _ = await clip.ClassifyAsync(image, ["a", "b"]);
            }
            else
            {
                using var captioner = new ImageCaptioner(folder);
                _ = await captioner.CaptionAsync([image], new CaptionOptions { MaxNewTokens = 4 });
            }

            return "ok";
        }
        catch (Exception ex)
        {
            // A broken folder is ModelNotFound / ModelIncompatible at load; a graph that loads but fails while running is
            // the documented MultimodalException (exit 1 in mm).
            return Check(ex, typeof(MultimodalException));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static readonly (string Kind, string Pred, string Refs)[] EvalSeeds =
    [
        ("captions", """[{"image_id": 1, "caption": "a red circle"}, {"image_id": 2, "caption": "a blue square"}]""", """{"annotations": [{"image_id": 1, "caption": "a red circle"}, {"image_id": 2, "caption": "blue square"}]}"""),
        ("captions", """{"1": "a red circle"}""", """{"1": ["a red circle", "red disc"]}"""),
        ("vqa", """[{"question_id": 1, "answer": "yes"}]""", """{"annotations": [{"question_id": 1, "question_type": "is", "answer_type": "yes/no", "answers": [{"answer": "yes"}, {"answer": "no"}]}]}"""),
        ("asr", """{"a": "turn on the light", "b": ""}""", """{"a": "turn on the blue light", "b": ""}"""),
        ("retrieval", """{"similarity": [[0.9, 0.1], [0.2, 0.8]]}""", """{"image_of_text": [0, 1]}"""),
    ];

    private async Task<string> EvalAsync(Mutator m)
    {
        var (kind, pred, refs) = EvalSeeds[m.Random.Next(EvalSeeds.Length)];
        bool predSide = m.Random.Next(2) == 0;
        string predPath = Path.Combine(_dir, m.Random.Next(4) == 0 && kind == "asr" ? "pred.jsonl" : "pred.json");
        File.WriteAllText(predPath, predSide ? m.MutateJson(pred) : pred);
        string refsPath = Path.Combine(_dir, "refs.json");
        File.WriteAllText(refsPath, predSide ? refs : m.MutateJson(refs));
        return await CliAsync(["eval", kind, "--pred", predPath, "--refs", refsPath, "--json"]);
    }

    private async Task<string> CliAsync(string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var io = new CliConsole(new StringReader(string.Empty), stdout, stderr, false, false, false, AppContext.BaseDirectory);
        int exit = await Program.RunAsync(args, io, CancellationToken.None);
        string text = stdout + "\n" + stderr;
        if (exit is not (0 or 3))
        {
            return $"bad: exit {exit} for mm {string.Join(' ', args.Take(2))}: {stderr.ToString().Split('\n')[0]}";
        }

        if (text.Contains("   at ", StringComparison.Ordinal) || text.Contains("Object reference", StringComparison.Ordinal))
        {
            return $"bad: stack trace or internals in mm's output: {text[..Math.Min(300, text.Length)]}";
        }

        return $"exit {exit}";
    }
}

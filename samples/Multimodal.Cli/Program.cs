using System.Diagnostics;
using System.Text.Json;
using Multimodal.Sdk;

namespace Multimodal.Cli;

/// <summary>
/// <c>mm</c>: the SDK's command line. Exit codes: 0 success, 2 usage error, 3 an input could not be read or decoded
/// (the others are still processed), 4 model folder missing or incompatible.
/// </summary>
internal static class Program
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    private static async Task<int> Main(string[] args)
    {
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };

        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            PrintUsage();
            return args.Length == 0 ? 2 : 0;
        }

        try
        {
            var options = CliArguments.Parse(args.Skip(1));
            return args[0] switch
            {
                "demo" => await DemoAsync(options, cts.Token),
                "classify" => await ClassifyAsync(options, cts.Token),
                "caption" => await CaptionAsync(options, cts.Token),
                "embed" => await EmbedAsync(options, cts.Token),
                "eval" => EvalCommand.Run(options.Verb, options),
                "ask" => await AskAsync(options, cts.Token),
                "transcribe" => await TranscribeAsync(options, cts.Token),
                _ => Usage($"unknown command '{args[0]}'"),
            };
        }
        catch (CliUsageException ex)
        {
            return Usage(ex.Message);
        }
        catch (CliInputException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 3;
        }
        catch (ModelNotFoundException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 4;
        }
        catch (ModelIncompatibleException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 4;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
    }

    private static string BundledModel(string name) => Path.Combine(AppContext.BaseDirectory, "models", name);

    private static async Task<int> DemoAsync(CliArguments options, CancellationToken cancellationToken)
    {
        string assets = Path.Combine(AppContext.BaseDirectory, "assets");
        string[] imageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];
        var files = Directory.EnumerateFiles(assets).Order(StringComparer.Ordinal).ToList();
        var images = files.Where(f => imageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant())).ToList();
        var clips = files.Where(f => Path.GetExtension(f).Equals(".wav", StringComparison.OrdinalIgnoreCase)).ToList();
        Console.WriteLine($"Multimodal.Sdk demo on the bundled tiny models ({images.Count} sample images and {clips.Count} speech clips in {assets})");
        Console.WriteLine();

        var watch = Stopwatch.StartNew();
        using (var clip = new ClipEncoder(options.Get("--clip") ?? BundledModel("tiny-clip")))
        {
            Console.WriteLine($"CLIP zero-shot classification over 40 labels (loaded in {watch.ElapsedMilliseconds} ms):");
            watch.Restart();
            var results = await clip.ClassifyAsync(images.Select(ImageData.FromFile).ToList(), ShapesWorld.Labels, new ZeroShotOptions { TopK = 3 }, cancellationToken);
            foreach (var (image, result) in images.Zip(results))
            {
                Console.WriteLine($"  {Path.GetFileName(image),-36} {string.Join(", ", result.Labels.Select(l => $"{l.Label} {l.Score:P0}"))}");
            }

            Console.WriteLine($"  ({watch.ElapsedMilliseconds} ms for {images.Count} images)");
        }

        Console.WriteLine();
        watch.Restart();
        using (var captioner = new ImageCaptioner(options.Get("--captioner") ?? BundledModel("tiny-captioner")))
        {
            Console.WriteLine($"Image captioning, greedy and beam search (loaded in {watch.ElapsedMilliseconds} ms):");
            watch.Restart();
            var greedy = await captioner.CaptionAsync(images.Select(ImageData.FromFile).ToList(), cancellationToken: cancellationToken);
            var beams = await captioner.CaptionAsync(ImageData.FromFile(images[0]), new CaptionOptions { NumBeams = 3, NumReturnSequences = 3 }, cancellationToken);
            foreach (var (image, result) in images.Zip(greedy))
            {
                Console.WriteLine($"  {Path.GetFileName(image),-36} \"{result.Text}\"");
            }

            Console.WriteLine($"  beam search (3 beams) on {Path.GetFileName(images[0])}: {string.Join(" | ", beams.Captions.Select(c => $"\"{c.Text}\" ({c.Score:F2})"))}");
            Console.WriteLine($"  ({watch.ElapsedMilliseconds} ms)");
        }

        Console.WriteLine();
        watch.Restart();
        using (var qa = new VisualQa(options.Get("--vlm") ?? BundledModel("tiny-vlm")))
        {
            Console.WriteLine($"Visual question answering, the image encoded once per image (loaded in {watch.ElapsedMilliseconds} ms):");
            watch.Restart();
            string[] questions = ["how many shapes are there?", "is there a blue square?", "describe the image."];
            foreach (var image in images)
            {
                var answers = await qa.AnswerAsync(ImageData.FromFile(image), questions, cancellationToken: cancellationToken);
                Console.WriteLine($"  {Path.GetFileName(image),-36} {string.Join(" | ", answers.Select(a => $"{a.Question} {a.Answer}"))}");
            }

            Console.WriteLine($"  ({watch.ElapsedMilliseconds} ms)");
        }

        Console.WriteLine();
        watch.Restart();
        using (var recognizer = new WhisperRecognizer(options.Get("--whisper") ?? BundledModel("tiny-whisper")))
        {
            Console.WriteLine($"Speech recognition with language detection, and translation to English (loaded in {watch.ElapsedMilliseconds} ms):");
            watch.Restart();
            foreach (var clip in clips)
            {
                var audio = AudioFile.Read(clip);
                var result = await recognizer.TranscribeAsync(audio, new SpeechRecognitionOptions { Timestamps = true }, cancellationToken);
                string times = result.Segments.Count > 0 ? $"[{result.Segments[0].Start.TotalSeconds:F2}-{result.Segments[^1].End.TotalSeconds:F2} s]" : "[no speech]";
                Console.WriteLine($"  {Path.GetFileName(clip),-36} {result.Language} ({result.LanguageProbability:P0}) {times} \"{result.Text}\"");
                if (result.Language != "en")
                {
                    var english = await recognizer.TranscribeAsync(audio, new SpeechRecognitionOptions { Language = result.Language, Task = SpeechTask.Translate }, cancellationToken);
                    Console.WriteLine($"  {string.Empty,-36} translated: \"{english.Text}\"");
                }
            }

            Console.WriteLine($"  ({watch.ElapsedMilliseconds} ms for {clips.Count} clips)");
        }

        Console.WriteLine();
        Console.WriteLine("Vision chat: samples and `mm chat` follow (issue 7); IChatClient is ready (docs/vision.md).");
        return 0;
    }

    private static async Task<int> ClassifyAsync(CliArguments options, CancellationToken cancellationToken)
    {
        var images = options.Inputs("--image");
        var labels = options.Get("--labels")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            ?? (options.Get("--labels-file") is { } file ? File.ReadAllLines(file).Where(l => l.Trim().Length > 0).ToArray() : throw new CliUsageException("classify needs --labels \"a,b,c\" or --labels-file FILE"));
        var zeroShot = new ZeroShotOptions();
        if (options.GetAll("--template") is { Count: > 0 } templates)
        {
            zeroShot.Templates = templates;
        }

        using var clip = new ClipEncoder(options.Get("--model") ?? BundledModel("tiny-clip"));
        return await ForEachInputAsync(options, images, "image", async image =>
        {
            var result = await clip.ClassifyAsync(ImageData.FromFile(image), labels, zeroShot, cancellationToken);
            return (new { image, labels = result.Labels.Select(l => new { label = l.Label, score = l.Score }) },
                $"{image}: {string.Join(", ", result.Labels.Take(5).Select(l => $"{l.Label} {l.Score:P1}"))}");
        });
    }

    private static async Task<int> CaptionAsync(CliArguments options, CancellationToken cancellationToken)
    {
        var images = options.Inputs("--image");
        var captionOptions = new CaptionOptions
        {
            NumBeams = options.GetInt("--beams"),
            DoSample = options.Has("--sample") ? true : null,
            NumReturnSequences = options.GetInt("--num"),
            Temperature = options.Get("--temperature") is { } t ? float.Parse(t, System.Globalization.CultureInfo.InvariantCulture) : null,
            Prefix = options.Get("--prefix"),
        };
        using var captioner = new ImageCaptioner(options.Get("--model") ?? BundledModel("tiny-captioner"));
        return await ForEachInputAsync(options, images, "image", async image =>
        {
            var result = await captioner.CaptionAsync(ImageData.FromFile(image), captionOptions, cancellationToken);
            return (new { image, captions = result.Captions.Select(c => c.Text) }, $"{image}: {string.Join(" | ", result.Captions.Select(c => c.Text))}");
        });
    }

    private static async Task<int> AskAsync(CliArguments options, CancellationToken cancellationToken)
    {
        var images = options.Inputs("--image");
        var questions = options.GetAll("--question");
        if (questions.Count == 0 || questions.Any(string.IsNullOrWhiteSpace))
        {
            throw new CliUsageException("ask needs --question \"...\" (one or more, none empty)");
        }

        var qaOptions = new VisualQaOptions { MaxNewTokens = options.GetInt("--max-tokens") };
        using var qa = new VisualQa(options.Get("--model") ?? BundledModel("tiny-vlm"));
        return await ForEachInputAsync(options, images, "image", async image =>
        {
            var answers = await qa.AnswerAsync(ImageData.FromFile(image), questions, qaOptions, cancellationToken);
            return (new { image, answers = answers.Select(a => new { question = a.Question, answer = a.Answer, score = a.Score }) },
                string.Join(Environment.NewLine, answers.Select(a => $"{image}: {a.Question} -> {a.Answer}")));
        });
    }

    private static async Task<int> EmbedAsync(CliArguments options, CancellationToken cancellationToken)
    {
        using var clip = new ClipEncoder(options.Get("--model") ?? BundledModel("tiny-clip"));
        var rows = new List<object>();
        int exit = 0;
        if (options.GetAll("--text") is { Count: > 0 } texts)
        {
            var embeddings = await clip.EmbedTextsAsync(texts, cancellationToken);
            rows.AddRange(texts.Zip(embeddings).Select(p => new { input = p.First, embedding = p.Second.Vector.ToArray() }));
        }
        else
        {
            foreach (var image in options.Inputs("--image"))
            {
                try
                {
                    var e = await clip.EmbedImageAsync(ImageData.FromFile(image), cancellationToken);
                    rows.Add(new { input = image, embedding = e.Vector.ToArray() });
                }
                catch (InputDecodeException ex)
                {
                    exit = 3;
                    rows.Add(new { input = image, error = ex.Message });
                    Console.Error.WriteLine($"error: {ex.Message}");
                }
            }
        }

        Console.WriteLine(JsonSerializer.Serialize(new { results = rows }, Json));
        return exit;
    }

    private static async Task<int> TranscribeAsync(CliArguments options, CancellationToken cancellationToken)
    {
        var clips = options.Inputs("--audio");
        var speechOptions = new SpeechRecognitionOptions
        {
            Language = options.Get("--language"),
            Timestamps = options.Has("--timestamps"),
            Task = options.Get("--task") switch
            {
                null or "transcribe" => SpeechTask.Transcribe,
                "translate" => SpeechTask.Translate,
                var other => throw new CliUsageException($"--task must be transcribe or translate, not '{other}'"),
            },
        };
        using var recognizer = new WhisperRecognizer(options.Get("--model") ?? BundledModel("tiny-whisper"));
        if (speechOptions.Language is { } language && language != "auto" && !recognizer.Languages.Contains(language))
        {
            throw new CliUsageException($"--language must be auto or one of the model's: {string.Join(", ", recognizer.Languages)}; not '{language}'");
        }

        return await ForEachInputAsync(options, clips, "audio", async clip =>
        {
            var audio = AudioFile.Read(clip, cancellationToken: cancellationToken);
            if (audio.Samples.IsEmpty)
            {
                throw new InputDecodeException($"'{clip}' holds no audio samples.");
            }

            var result = await recognizer.TranscribeAsync(audio, speechOptions, cancellationToken);
            var row = new
            {
                audio = clip,
                language = result.Language,
                language_probability = result.LanguageProbability,
                text = result.Text,
                segments = speechOptions.Timestamps ? result.Segments.Select(s => new { start = s.Start.TotalSeconds, end = s.End.TotalSeconds, text = s.Text }) : null,
            };
            string human = !speechOptions.Timestamps
                ? $"{clip} [{result.Language}]: {result.Text}"
                : string.Join(Environment.NewLine, result.Segments.Select(s => $"  [{s.Start.TotalSeconds,6:F2} -> {s.End.TotalSeconds,6:F2}] {s.Text}").Prepend($"{clip} [{result.Language}]:"));
            return (row, human);
        });
    }

    // One result row per input; an input that cannot be read or decoded becomes an error row (exit code 3) and the rest go on.
    private static async Task<int> ForEachInputAsync(CliArguments options, IReadOnlyList<string> inputs, string key, Func<string, Task<(object Row, string Human)>> work)
    {
        bool json = options.Has("--json");
        var rows = new List<object>();
        int exit = 0;
        foreach (var input in inputs)
        {
            try
            {
                var (row, human) = await work(input);
                rows.Add(row);
                if (!json)
                {
                    Console.WriteLine(human);
                }
            }
            catch (Exception ex) when (ex is InputDecodeException or InputTooLargeException)
            {
                exit = 3;
                rows.Add(new Dictionary<string, string> { [key] = input, ["error"] = ex.Message });
                Console.Error.WriteLine($"error: {ex.Message}");
            }
        }

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { results = rows }, Json));
        }

        return exit;
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        Console.Error.WriteLine("run 'mm --help' for usage");
        return 2;
    }

    private static void PrintUsage() => Console.WriteLine(
        """
        mm — Multimodal.Sdk on the command line (bundled tiny models unless --model DIR is given)

          mm demo                                   every available capability on bundled sample inputs
          mm classify --image F... --labels "a,b"   zero-shot classification (--labels-file F, --template T...)
          mm caption --image F... [--beams N] [--sample --num N --temperature X] [--prefix TEXT]
          mm embed (--image F... | --text T...)     L2-normalized CLIP embeddings as JSON
          mm eval captions|vqa|retrieval|asr --pred F --refs F [--normalize]   metrics (docs/evaluation.md)
          mm ask --image F... --question Q...       visual question answering [--max-tokens N]
          mm transcribe --audio F... [--language L|auto] [--task transcribe|translate] [--timestamps]

        Inputs may be files, directories or globs. --json prints machine-readable results.
        Exit codes: 0 ok, 2 usage, 3 an input could not be decoded, 4 model folder missing or incompatible.
        """);
}

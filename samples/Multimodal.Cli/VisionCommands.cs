using System.Globalization;
using System.Text.Json;
using Multimodal.Sdk;

namespace Multimodal.Cli;

/// <summary><c>mm classify</c>, <c>mm embed</c>, <c>mm caption</c> and <c>mm ask</c>.</summary>
internal static class VisionCommands
{
    public static async Task<int> ClassifyAsync(CliConsole io, CliArguments options, CancellationToken cancellationToken)
    {
        var images = options.Inputs("--image");
        string[] labels = options.Get("--labels") is { } list
            ? list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : options.Get("--labels-file") is { } file ? ReadLabels(file) : throw new CliUsageException("classify needs --labels \"a,b,c\" or --labels-file FILE");
        if (labels.Length == 0)
        {
            throw new CliUsageException("classify needs at least one label");
        }

        var zeroShot = new ZeroShotOptions();
        if (options.GetAll("--template") is { Count: > 0 } templates)
        {
            zeroShot.Templates = templates;
        }

        using var clip = new ClipEncoder(options.Get("--model") ?? io.BundledModel("tiny-clip"));
        return await Batch.RunAsync(io, options, images, "image", ["image", "top labels"], async (image, _) =>
        {
            var result = await clip.ClassifyAsync(ImageData.FromFile(image), labels, zeroShot, cancellationToken);
            return new BatchItem(
                new { image, labels = result.Labels.Select(l => new { label = l.Label, score = l.Score }) },
                [[image, string.Join(", ", result.Labels.Take(5).Select(l => $"{l.Label} {l.Score:P1}"))]]);
        }, cancellationToken);
    }

    public static async Task<int> EmbedAsync(CliConsole io, CliArguments options, CancellationToken cancellationToken)
    {
        var texts = options.GetAll("--text");
        bool hasImages = options.Has("--image");
        if (texts.Count > 0 == hasImages)
        {
            throw new CliUsageException("embed needs either --image F... or --text T..., not both");
        }

        using var clip = new ClipEncoder(options.Get("--model") ?? io.BundledModel("tiny-clip"));
        string[] columns = ["input", "dimensions", "first values"];
        if (texts.Count > 0)
        {
            var embeddings = await clip.EmbedTextsAsync(texts, cancellationToken);
            var rows = texts.Zip(embeddings).Select(p => new { input = p.First, embedding = p.Second.Vector.ToArray() }).ToList();
            if (options.Has("--json"))
            {
                io.Out.WriteLine(JsonSerializer.Serialize(new { results = rows }, Batch.Json));
            }
            else
            {
                Batch.WriteTable(io, columns, rows.Select(r => Cells(r.input, r.embedding)));
            }

            return 0;
        }

        return await Batch.RunAsync(io, options, options.Inputs("--image"), "input", columns, async (image, _) =>
        {
            var vector = (await clip.EmbedImageAsync(ImageData.FromFile(image), cancellationToken)).Vector.ToArray();
            return new BatchItem(new { input = image, embedding = vector }, [Cells(image, vector)]);
        }, cancellationToken);

        static string[] Cells(string input, float[] vector) =>
            [input, vector.Length.ToString(CultureInfo.InvariantCulture), string.Join(" ", vector.Take(4).Select(v => v.ToString("F4", CultureInfo.InvariantCulture))) + " ..."];
    }

    public static async Task<int> CaptionAsync(CliConsole io, CliArguments options, CancellationToken cancellationToken)
    {
        var images = options.Inputs("--image");
        var captionOptions = new CaptionOptions
        {
            NumBeams = options.GetInt("--beams"),
            DoSample = options.Has("--sample") ? true : null,
            NumReturnSequences = options.GetInt("--num"),
            Temperature = options.GetFloat("--temperature"),
            Prefix = options.Get("--prefix"),
        };
        using var captioner = new ImageCaptioner(options.Get("--model") ?? io.BundledModel("tiny-captioner"));
        return await Batch.RunAsync(io, options, images, "image", ["image", "caption"], async (image, _) =>
        {
            var result = await captioner.CaptionAsync(ImageData.FromFile(image), captionOptions, cancellationToken);
            return new BatchItem(new { image, captions = result.Captions.Select(c => c.Text) }, [.. result.Captions.Select(c => new[] { image, c.Text })]);
        }, cancellationToken);
    }

    public static async Task<int> AskAsync(CliConsole io, CliArguments options, CancellationToken cancellationToken)
    {
        var images = options.Inputs("--image");
        var questions = options.GetAll("--question");
        if (questions.Count == 0 || questions.Any(string.IsNullOrWhiteSpace))
        {
            throw new CliUsageException("ask needs --question \"...\" (one or more, none empty)");
        }

        var qaOptions = new VisualQaOptions { MaxNewTokens = options.GetInt("--max-tokens") };
        using var qa = new VisualQa(options.Get("--model") ?? io.BundledModel("tiny-vlm"));
        int exit = await Batch.RunAsync(io, options, images, "image", ["image", "question", "answer"], async (image, _) =>
        {
            // The image is encoded once for all its questions; the rows are flattened to one per image x question below.
            var answers = await qa.AnswerAsync(ImageData.FromFile(image), questions, qaOptions, cancellationToken);
            return new BatchItem(
                answers.Select(a => new { image, question = a.Question, answer = a.Answer }).ToList(),
                [.. answers.Select(a => new[] { image, a.Question, a.Answer })]);
        }, cancellationToken, flatten: true);
        return exit;
    }

    private static string[] ReadLabels(string file)
    {
        try
        {
            return [.. File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0)];
        }
        catch (Exception ex) when (Batch.InputError(ex, file) is { } message)
        {
            throw new CliInputException(message);
        }
    }
}

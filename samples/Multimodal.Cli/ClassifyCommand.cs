using System.CommandLine;
using Multimodal.Sdk;

namespace Multimodal.Cli;

/// <summary><c>mm classify</c>: CLIP zero-shot classification of images over labels.</summary>
internal static class ClassifyCommand
{
    public static Command Create(CliConsole io)
    {
        var images = CliOptions.Images();
        var labels = new Option<string>("--labels") { Description = "The labels, comma-separated (\"red circle,blue square\").", HelpName = "\"a,b,c\"" };
        var labelsFile = new Option<string>("--labels-file") { Description = "A file of labels, one per line (instead of --labels).", HelpName = "F" };
        var templates = CliOptions.Many("--template", "T", "A prompt template, \"a photo of a {label}\" or OpenAI's \"a photo of a {}.\"; several are averaged (default: the model's).");
        var model = CliOptions.Model("tiny-clip");
        var json = CliOptions.Json();
        var command = new Command("classify", "Zero-shot classification with CLIP: each image's labels by descending probability.")
        {
            images, labels, labelsFile, templates, model, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var files = parse.ImageFiles(images);
            string[] names = parse.GetValue(labels) is { } list
                ? list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                : parse.GetValue(labelsFile) is { } file ? ReadLabels(file) : throw new CliUsageException("classify needs --labels \"a,b,c\" or --labels-file FILE");
            if (names.Length == 0)
            {
                throw new CliUsageException("classify needs at least one label");
            }

            var zeroShot = new ZeroShotOptions();
            if (parse.GetValue(templates) is { Length: > 0 } given)
            {
                zeroShot.Templates = [.. given.Select(Template)];
            }

            var plan = BatchPlan.For(files.Count, MaxChunk);
            using var clip = new ClipEncoder(parse.GetValue(model) ?? io.BundledModel("tiny-clip"), plan.SessionOptions);

            // The labels' text embeddings once for the whole run; each chunk then only encodes its images.
            var embedded = await clip.EmbedLabelsAsync(names, zeroShot, cancellationToken);
            return await Batch.RunBatchedAsync(
                io, parse.GetValue(json), files, plan, "image", ["image", "top labels"],
                (chunk, token) => clip.ClassifyAsync([.. chunk.Select(ImageData.FromFile)], embedded, token),
                (image, result) => new BatchItem(
                    new { image, labels = result.Labels.Select(l => new { label = l.Label, score = l.Score }) },
                    [[image, string.Join(", ", result.Labels.Take(5).Select(l => $"{l.Label} {l.Score:P1}"))]]),
                cancellationToken);
        });
        return command;
    }

    /// <summary>The images per library call: the CLIP encoder's own batch size.</summary>
    public const int MaxChunk = 32;

    /// <summary>
    /// A prompt template in the library's form: OpenAI's CLIP templates write the label as <c>{}</c>
    /// (<c>a photo of a {}.</c>, the form of their 80 ImageNet templates); the SDK's as <c>{label}</c>.
    /// </summary>
    public static string Template(string template) =>
        template.Contains(ZeroShotOptions.LabelPlaceholder, StringComparison.Ordinal) ? template : template.Replace("{}", ZeroShotOptions.LabelPlaceholder, StringComparison.Ordinal);

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

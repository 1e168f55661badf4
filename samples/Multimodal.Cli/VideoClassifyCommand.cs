using System.CommandLine;
using Multimodal.Sdk;

namespace Multimodal.Cli;

/// <summary><c>mm video classify</c>: CLIP zero-shot classification of whole videos (mean of the sampled frames' embeddings).</summary>
internal static class VideoClassifyCommand
{
    public static Command Create(CliConsole io)
    {
        var videos = VideoCommand.Videos();
        var labels = new Option<string>("--labels") { Description = "The labels, comma-separated (\"red circle,blue square\").", HelpName = "\"a,b,c\"", Required = true };
        var templates = CliOptions.Many("--template", "T", "A prompt template, \"a video of a {label}\" or OpenAI's \"a photo of a {}.\"; several are averaged.");
        var frames = VideoCommand.Frames("default 8");
        var every = VideoCommand.Every();
        var model = CliOptions.Model("tiny-clip");
        var json = CliOptions.Json();
        var command = new Command("classify", "Zero-shot classification of each video over labels (CLIP over sampled frames, pooled over time).")
        {
            videos, labels, templates, frames, every, model, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var files = VideoCommand.Files(parse, videos);
            string[] names = (parse.GetValue(labels) ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (names.Length == 0)
            {
                throw new CliUsageException("video classify needs at least one label");
            }

            var zeroShot = new ZeroShotOptions();
            if (parse.GetValue(templates) is { Length: > 0 } given)
            {
                zeroShot.Templates = [.. given.Select(ClassifyCommand.Template)];
            }

            var sampling = VideoCommand.Sampling(parse, frames, every, null);
            using var encoder = new ClipVideoEncoder(parse.GetValue(model) ?? io.BundledModel("tiny-clip"));
            var embedded = await encoder.EmbedLabelsAsync(names, zeroShot, cancellationToken);
            return await Batch.RunAsync(io, parse.GetValue(json), files, "video", ["video", "top labels"], async (video, _) =>
            {
                var embedding = await encoder.EmbedVideoAsync(video, new VideoEmbeddingOptions { Sampling = sampling }, cancellationToken);
                var result = encoder.Classify(embedding.Vector.Vector, embedded);
                return new BatchItem(
                    new { video, labels = result.Labels.Select(l => new { label = l.Label, score = l.Score }) },
                    [[video, string.Join(", ", result.Labels.Take(5).Select(l => $"{l.Label} {l.Score:P1}"))]]);
            }, cancellationToken);
        });
        return command;
    }
}

using System.CommandLine;
using Multimodal.Sdk;

namespace Multimodal.Cli;

/// <summary><c>mm caption</c>: image captions, greedy, beam search or sampled.</summary>
internal static class CaptionCommand
{
    /// <summary>The images per library call: the captioner's own batch size.</summary>
    private const int MaxChunk = 16;

    public static Command Create(CliConsole io)
    {
        var images = CliOptions.Images();
        var beams = CliOptions.PositiveInt("--beams", "Beam search with N beams (default: greedy).");
        var sample = CliOptions.Flag("--sample", "Sample instead of searching (with --num and --temperature).");
        var num = CliOptions.PositiveInt("--num", "Captions per image (at most --beams with beam search).");
        var temperature = CliOptions.Number("--temperature", "Sampling temperature (> 0; with --sample).");
        var prefix = new Option<string>("--prefix") { Description = "Text every caption starts with (the model continues it).", HelpName = "TEXT" };
        var model = CliOptions.Model("tiny-captioner");
        var json = CliOptions.Json();
        var command = new Command("caption", "Image captions: greedy, beam search (--beams N) or sampled (--sample).")
        {
            images, beams, sample, num, temperature, prefix, model, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var files = parse.ImageFiles(images);
            if (parse.GetValue(temperature) is not null && !parse.GetValue(sample))
            {
                // Greedy and beam search ignore the temperature; silently dropping it hid a mistake.
                throw new CliUsageException("--temperature goes with --sample");
            }

            var captionOptions = new CaptionOptions
            {
                NumBeams = parse.GetValue(beams),
                DoSample = parse.GetValue(sample) ? true : null,
                NumReturnSequences = parse.GetValue(num),
                Temperature = parse.GetValue(temperature),
                Prefix = parse.GetValue(prefix),
            };
            var plan = BatchPlan.For(files.Count, MaxChunk);
            using var captioner = new ImageCaptioner(parse.GetValue(model) ?? io.BundledModel("tiny-captioner"), plan.SessionOptions);
            return await Batch.RunBatchedAsync(
                io, parse.GetValue(json), files, plan, "image", ["image", "caption"],
                (chunk, token) => captioner.CaptionAsync([.. chunk.Select(ImageData.FromFile)], captionOptions, token),
                (image, result) => new BatchItem(new { image, captions = result.Captions.Select(c => c.Text) }, [.. result.Captions.Select(c => new[] { image, c.Text })]),
                cancellationToken);
        });
        return command;
    }
}

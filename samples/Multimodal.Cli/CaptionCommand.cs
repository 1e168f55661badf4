using System.CommandLine;
using Multimodal.Sdk;

namespace Multimodal.Cli;

/// <summary><c>mm caption</c>: image captions, greedy, beam search or sampled.</summary>
internal static class CaptionCommand
{
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
            var captionOptions = new CaptionOptions
            {
                NumBeams = parse.GetValue(beams),
                DoSample = parse.GetValue(sample) ? true : null,
                NumReturnSequences = parse.GetValue(num),
                Temperature = parse.GetValue(temperature),
                Prefix = parse.GetValue(prefix),
            };
            using var captioner = new ImageCaptioner(parse.GetValue(model) ?? io.BundledModel("tiny-captioner"));
            return await Batch.RunAsync(io, parse.GetValue(json), files, "image", ["image", "caption"], async (image, _) =>
            {
                var result = await captioner.CaptionAsync(ImageData.FromFile(image), captionOptions, cancellationToken);
                return new BatchItem(new { image, captions = result.Captions.Select(c => c.Text) }, [.. result.Captions.Select(c => new[] { image, c.Text })]);
            }, cancellationToken);
        });
        return command;
    }
}

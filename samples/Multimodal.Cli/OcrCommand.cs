using System.CommandLine;
using System.Globalization;
using Multimodal.Sdk;

namespace Multimodal.Cli;

/// <summary><c>mm ocr</c>: the text in images (PP-OCRv4: detection, direction, recognition), line by line with boxes.</summary>
internal static class OcrCommand
{
    /// <summary>The model folder's name beside mm (tools/fetch-test-assets.sh assembles it; the build copies it when present).</summary>
    public const string BundledModelName = "pp-ocrv4";

    public static Command Create(CliConsole io)
    {
        var images = CliOptions.Images();
        var model = CliOptions.Path("--model", "The OCR model folder with ocr_config.json (default: the PP-OCRv4 folder beside mm, when installed).");
        var json = CliOptions.Json();
        var command = new Command("ocr", "The text in images, line by line with confidence and box (PP-OCRv4 on ONNX Runtime).")
        {
            images, model, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var files = parse.ImageFiles(images);

            // One image per call; several images in flight on a multi-core machine, each model run on one thread then.
            var plan = BatchPlan.For(files.Count, 1);
            using var reader = Open(io, parse.GetValue(model), plan.SessionOptions);
            return await Batch.RunBatchedAsync<TextReadResult>(
                io, parse.GetValue(json), files, plan, "image", ["image", "text"],
                async (chunk, token) => [await reader.ReadAsync(ImageData.FromFile(chunk[0]), cancellationToken: token).ConfigureAwait(false)],
                (image, result) => new BatchItem(
                    new
                    {
                        image,
                        text = result.Text,
                        lines = result.Lines.Select(l => new { text = l.Text, score = Math.Round(l.Confidence, 4), box = l.Box.Select(p => new[] { p.X, p.Y }) }),
                    },
                    [[image, result.Text.Replace("\n", " / ", StringComparison.Ordinal)]]),
                cancellationToken);
        });
        return command;
    }

    /// <summary>Opens the reader at <paramref name="path"/>, or the one beside mm; a missing one says how to get it.</summary>
    public static OcrReader Open(CliConsole io, string? path, MultimodalOptions? options = null)
    {
        string folder = path ?? io.BundledModel(BundledModelName);
        if (path is null && !Directory.Exists(folder))
        {
            throw new ModelNotFoundException(folder, null, $"The PP-OCRv4 model folder is not beside mm ({folder}): run tools/fetch-test-assets.sh and build again, or give --model DIR (tools/ocr/make-model-folder.sh assembles one).");
        }

        return new OcrReader(folder, options);
    }

    /// <summary>A line's confidence for tables.</summary>
    public static string Percent(float confidence) => confidence.ToString("P0", CultureInfo.InvariantCulture);
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Multimodal.Sdk;

namespace Multimodal.Cli;

/// <summary><c>mm embed</c>: L2-normalized CLIP embeddings of images or texts.</summary>
internal static class EmbedCommand
{
    public static Command Create(CliConsole io)
    {
        var images = CliOptions.Images(required: false, "Images to embed: files, directories or quoted globs (or --text).");
        var texts = CliOptions.Many("--text", "T", "Texts to embed (or --image).");
        var model = CliOptions.Model("tiny-clip");
        var json = CliOptions.Json();
        var command = new Command("embed", "L2-normalized CLIP embeddings of images or texts (every value with --json).")
        {
            images, texts, model, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var textList = parse.GetValue(texts) ?? [];
            if (textList.Length > 0 == parse.Has(images))
            {
                throw new CliUsageException("embed needs either --image F... or --text T..., not both");
            }

            var files = textList.Length > 0 ? [] : parse.ImageFiles(images);
            var plan = BatchPlan.For(Math.Max(1, files.Count), ClassifyCommand.MaxChunk);
            using var clip = new ClipEncoder(parse.GetValue(model) ?? io.BundledModel("tiny-clip"), plan.SessionOptions);
            string[] columns = ["input", "dimensions", "first values"];
            if (textList.Length > 0)
            {
                var embeddings = await clip.EmbedTextsAsync(textList, cancellationToken);
                var rows = textList.Zip(embeddings).Select(p => new { input = p.First, embedding = p.Second.Vector.ToArray() }).ToList();
                if (parse.GetValue(json))
                {
                    io.Out.WriteLine(JsonSerializer.Serialize(new { results = rows }, Batch.Json));
                }
                else
                {
                    Batch.WriteTable(io, columns, rows.Select(r => Cells(r.input, r.embedding)));
                }

                return 0;
            }

            return await Batch.RunBatchedAsync(
                io, parse.GetValue(json), files, plan, "input", columns,
                (chunk, token) => clip.EmbedImagesAsync([.. chunk.Select(ImageData.FromFile)], token),
                (image, embedding) =>
                {
                    var vector = embedding.Vector.ToArray();
                    return new BatchItem(new { input = image, embedding = vector }, [Cells(image, vector)]);
                },
                cancellationToken);
        });
        return command;
    }

    private static string[] Cells(string input, float[] vector) =>
        [input, vector.Length.ToString(CultureInfo.InvariantCulture), string.Join(" ", vector.Take(4).Select(v => v.ToString("F4", CultureInfo.InvariantCulture))) + " ..."];
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Multimodal.Sdk;

namespace Multimodal.Cli;

/// <summary>
/// <c>mm filter</c>: CLIP data filtering of image-text pairs. Each JSONL line (<c>{"image": path, "text": caption, ...}</c>)
/// gets its CLIPScore (Hessel et al.: 2.5 x max(cos, 0) with the "A photo depicts " prefix, as <c>mm eval</c>); lines at
/// or above the threshold go to --out, the others to --rejected, both with "clip_score" added and every field kept.
/// </summary>
internal static class FilterCommand
{
    private const int Chunk = 32;

    public static Command Create(CliConsole io)
    {
        var pairs = CliOptions.Path("--pairs", "Image-text pairs, one JSON object a line: {\"image\": path, \"text\": caption} (paths relative to the file).", "F.jsonl");
        pairs.Required = true;
        var threshold = CliOptions.Number("--threshold", "Keep pairs whose CLIPScore is at least X (CLIP-S = 2.5 x cosine).");
        threshold.Required = true;
        var output = CliOptions.Path("--out", "Where the kept pairs go (JSONL).", "F.jsonl");
        output.Required = true;
        var rejected = CliOptions.Path("--rejected", "Where the rejected pairs go (default: the --out name with .rejected.jsonl).", "F.jsonl");
        var model = CliOptions.Model("tiny-clip");
        var command = new Command("filter", "Keep the image-text pairs whose CLIPScore reaches a threshold (CLIP data filtering).")
        {
            pairs, threshold, output, rejected, model,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string input = parse.GetValue(pairs)!;
            if (!File.Exists(input))
            {
                throw new CliInputException($"'{input}' does not exist");
            }

            float min = parse.GetValue(threshold)!.Value;
            string keptPath = parse.GetValue(output)!;
            string rejectedPath = parse.GetValue(rejected) ?? Path.ChangeExtension(keptPath, null) + ".rejected.jsonl";
            string baseDir = Path.GetDirectoryName(Path.GetFullPath(input))!;
            using var clip = new ClipEncoder(parse.GetValue(model) ?? io.BundledModel("tiny-clip"));
            await using var kept = new StreamWriter(keptPath);
            await using var dropped = new StreamWriter(rejectedPath);
            int total = 0, keptCount = 0, errors = 0;
            var chunk = new List<(JsonObject Row, string Image, string Text)>();

            async Task FlushAsync()
            {
                if (chunk.Count == 0)
                {
                    return;
                }

                IReadOnlyList<double> scores;
                try
                {
                    scores = (await ClipScore.ComputeAsync(clip, [.. chunk.Select(c => ImageData.FromFile(c.Image))], [.. chunk.Select(c => c.Text)], cancellationToken: cancellationToken)).PerImage;
                }
                catch (Exception ex) when (chunk.Count > 1 && Batch.InputError(ex, chunk[0].Image) is not null)
                {
                    // One bad image fails the batch: score the chunk one pair at a time so only the bad ones are errors.
                    var one = new List<double>();
                    foreach (var c in chunk)
                    {
                        try
                        {
                            one.Add((await ClipScore.ComputeAsync(clip, [ImageData.FromFile(c.Image)], [c.Text], cancellationToken: cancellationToken)).PerImage[0]);
                        }
                        catch (Exception e) when (Batch.InputError(e, c.Image) is { } message)
                        {
                            io.Error.WriteLine($"error: {message}");
                            one.Add(double.NaN);
                        }
                    }

                    scores = one;
                }

                foreach (var ((row, _, _), score) in chunk.Zip(scores))
                {
                    if (double.IsNaN(score))
                    {
                        errors++;
                        row["error"] = "image could not be read";
                        await dropped.WriteLineAsync(row.ToJsonString(Batch.Json));
                        continue;
                    }

                    row["clip_score"] = Math.Round(score, 6);
                    bool keep = score >= min;
                    keptCount += keep ? 1 : 0;
                    await (keep ? kept : dropped).WriteLineAsync(row.ToJsonString(Batch.Json));
                }

                io.Error.WriteLine($"filtered {total} pairs: {keptCount} kept, {total - keptCount - errors} rejected" + (errors > 0 ? $", {errors} unreadable" : string.Empty));
                chunk.Clear();
            }

            int lineNumber = 0;
            foreach (var line in File.ReadLines(input))
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                JsonObject row;
                try
                {
                    row = JsonNode.Parse(line) as JsonObject ?? throw new JsonException("not an object");
                }
                catch (JsonException ex)
                {
                    throw new CliInputException($"{input}:{lineNumber}: not a JSON object ({ex.Message})");
                }

                if (row["image"]?.GetValueKind() != JsonValueKind.String || row["text"]?.GetValueKind() != JsonValueKind.String)
                {
                    throw new CliInputException($"{input}:{lineNumber}: needs string fields \"image\" and \"text\"");
                }

                string image = Path.Combine(baseDir, row["image"]!.GetValue<string>());
                chunk.Add((row, image, row["text"]!.GetValue<string>()));
                total++;
                if (chunk.Count == Chunk)
                {
                    await FlushAsync();
                }
            }

            await FlushAsync();
            io.Error.WriteLine($"kept {keptCount} of {total} pairs (CLIPScore >= {min.ToString(CultureInfo.InvariantCulture)}) in {keptPath}; rejected in {rejectedPath}");
            return errors > 0 ? 3 : 0;
        });
        return command;
    }
}

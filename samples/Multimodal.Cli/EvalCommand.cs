using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Multimodal.Sdk;

namespace Multimodal.Cli;

/// <summary>
/// <c>mm eval captions|vqa|retrieval|asr --pred FILE --refs FILE [--json] [--normalize]</c> (one subcommand per kind): the Evaluation package's
/// metrics over files in the formats the reference tools read (docs/cli.md).
/// </summary>
internal static class EvalCommand
{
    public static Command Create(CliConsole io)
    {
        var command = new Command("eval", "Metrics over prediction and reference files (docs/evaluation.md): captions, vqa, retrieval, asr.")
        {
            Kind(io, "captions", "Caption metrics: BLEU-1..4, ROUGE-L, CIDEr-D (and METEOR when available).", normalize: null, (pred, refs, _) => Captions(pred, refs)),
            Kind(io, "vqa", "VQA accuracy, overall and per question type.", "Normalize the references too (official annotations are stored normalized already).", Vqa),
            Kind(io, "retrieval", "Retrieval recall at 1, 5, 10, median rank and mAP, both directions.", normalize: null, (pred, refs, _) => Retrieval(pred, refs)),
            Kind(io, "asr", "Word and character error rates, paired by id.", "Apply the English text normalizer to both sides.", Asr),
        };
        return command;
    }

    private static Command Kind(CliConsole io, string name, string description, string? normalize, Func<JsonNode, JsonNode, bool, Dictionary<string, object>> compute)
    {
        var pred = new Option<string>("--pred") { Description = "The predictions file (JSON, or JSON lines for asr).", HelpName = "F", Required = true };
        var refs = new Option<string>("--refs") { Description = "The references file (JSON).", HelpName = "F", Required = true };
        var json = CliOptions.Json();
        var command = new Command(name, description) { pred, refs, json };
        var normalizeOption = normalize is null ? null : CliOptions.Flag("--normalize", normalize);
        if (normalizeOption is not null)
        {
            command.Add(normalizeOption);
        }

        command.SetAction(parse =>
        {
            string predFile = parse.GetValue(pred)!, refsFile = parse.GetValue(refs)!;
            Dictionary<string, object> report;
            try
            {
                report = compute(Load(predFile), Load(refsFile), normalizeOption is not null && parse.GetValue(normalizeOption));
            }
            catch (ShapeException ex)
            {
                // A wrongly shaped file is a bad input (exit code 3), named with the entry, never a stack trace.
                throw new CliInputException($"'{(ex.Side == Side.Pred ? predFile : refsFile)}' ({(ex.Side == Side.Pred ? "--pred" : "--refs")}): {ex.Message}");
            }
            catch (ArgumentException ex)
            {
                // The metrics check that the two files describe the same items; that is about the inputs, not the command line.
                throw new CliInputException($"'{predFile}' and '{refsFile}' do not match: {Batch.OneLine(ex.Message)}");
            }

            if (parse.GetValue(json))
            {
                io.Out.WriteLine(JsonSerializer.Serialize(report));
            }
            else
            {
                foreach (var (metric, value) in report)
                {
                    io.Out.WriteLine($"{metric,-24} {Format(value)}");
                }
            }

            return 0;
        });
        return command;
    }

    // COCO results [{"image_id", "caption"}] or {"id": "caption"}; references: COCO {"annotations": [{"image_id", "caption"}]} or {"id": ["ref", ...]}.
    private static Dictionary<string, object> Captions(JsonNode pred, JsonNode refs)
    {
        var predictions = pred is JsonArray list
            ? Unique(Side.Pred, list.Select((e, i) => (Id(Field(e, "image_id", Side.Pred, i), Side.Pred, i), Str(Field(e, "caption", Side.Pred, i), Side.Pred, $"entry {i}: 'caption'"))))
            : Unique(Side.Pred, Obj(pred, Side.Pred, "the file").Select(p => (p.Key, Str(p.Value, Side.Pred, $"'{p.Key}'"))));
        var references = new Dictionary<string, IReadOnlyList<string>>();
        if (refs is JsonObject refsObject && refsObject["annotations"] is { } annotationsNode)
        {
            var annotations = Arr(annotationsNode, Side.Refs, "'annotations'");
            foreach (var group in annotations.Select((a, i) => (Id: Id(Field(a, "image_id", Side.Refs, i), Side.Refs, i), Caption: Str(Field(a, "caption", Side.Refs, i), Side.Refs, $"annotation {i}: 'caption'"))).GroupBy(a => a.Id))
            {
                references[group.Key] = group.Select(a => a.Caption).ToList();
            }
        }
        else
        {
            foreach (var (id, value) in Obj(refs, Side.Refs, "the file"))
            {
                references[id] = value is JsonArray many ? many.Select((v, i) => Str(v, Side.Refs, $"'{id}'[{i}]")).ToList() : [Str(value, Side.Refs, $"'{id}'")];
            }
        }

        var s = CaptionMetrics.Compute(predictions, references);
        var report = new Dictionary<string, object>
        {
            ["images"] = predictions.Count,
            ["BLEU-1"] = s.Bleu1,
            ["BLEU-2"] = s.Bleu2,
            ["BLEU-3"] = s.Bleu3,
            ["BLEU-4"] = s.Bleu4,
            ["ROUGE-L"] = s.RougeL,
            ["CIDEr-D"] = s.CiderD,
        };
        if (s.Meteor is double meteor)
        {
            report["METEOR"] = meteor;
        }

        return report;
    }

    // --normalize also normalizes the references (official annotations are stored normalized already, raw words are not).
    // Official VQA results [{"question_id", "answer"}] and annotations {"annotations": [{"question_id", "question_type", "answer_type", "answers": [{"answer"}]}]}.
    private static Dictionary<string, object> Vqa(JsonNode pred, JsonNode refs, bool normalizeReferences)
    {
        var predictions = Unique(Side.Pred, Arr(pred, Side.Pred, "the file").Select((e, i) => (Id(Field(e, "question_id", Side.Pred, i), Side.Pred, i), Str(Field(e, "answer", Side.Pred, i), Side.Pred, $"entry {i}: 'answer'"))));
        var annotations = Arr(Obj(refs, Side.Refs, "the file")["annotations"] ?? throw new ShapeException(Side.Refs, "the file must hold an 'annotations' list"), Side.Refs, "'annotations'")
            .Select((a, i) => new VqaAnnotation(
                Id(Field(a, "question_id", Side.Refs, i), Side.Refs, i),
                Arr(Field(a, "answers", Side.Refs, i), Side.Refs, $"annotation {i}: 'answers'").Select((x, j) => Str(x is JsonObject o ? o["answer"] : x, Side.Refs, $"annotation {i}: answer {j}")).ToList(),
                OptionalStr(a, "question_type", Side.Refs, i),
                OptionalStr(a, "answer_type", Side.Refs, i)))
            .ToList();
        var s = VqaAccuracy.Compute(predictions, annotations, normalizeReferences);
        var report = new Dictionary<string, object> { ["questions"] = predictions.Count, ["overall"] = s.Overall };
        foreach (var (type, value) in s.PerQuestionType.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            report[$"type: {type}"] = value;
        }

        return report;
    }

    // {"similarity": [[text x image]]} and {"image_of_text": [image index per text]}.
    private static Dictionary<string, object> Retrieval(JsonNode pred, JsonNode refs)
    {
        var rows = Arr(Obj(pred, Side.Pred, "the file")["similarity"] ?? throw new ShapeException(Side.Pred, "the file must hold 'similarity'"), Side.Pred, "'similarity'");
        int images = rows.Count == 0 ? 0 : Arr(rows[0], Side.Pred, "similarity row 0").Count;
        var flat = new double[rows.Count, images];
        for (int t = 0; t < rows.Count; t++)
        {
            var row = Arr(rows[t], Side.Pred, $"similarity row {t}");
            if (row.Count != images)
            {
                throw new ShapeException(Side.Pred, $"similarity row {t} has {row.Count} values; row 0 has {images}");
            }

            for (int i = 0; i < images; i++)
            {
                flat[t, i] = row[i] is JsonValue v && v.TryGetValue(out double d) && double.IsFinite(d) ? d : throw new ShapeException(Side.Pred, $"similarity row {t}, column {i} must be a finite number, not {Describe(row[i])}");
            }
        }
        var imageOfText = Arr(Obj(refs, Side.Refs, "the file")["image_of_text"] ?? throw new ShapeException(Side.Refs, "the file must hold 'image_of_text'"), Side.Refs, "'image_of_text'")
            .Select((v, i) => v is JsonValue n && n.TryGetValue(out int index) && index >= 0 && index < images ? index : throw new ShapeException(Side.Refs, $"image_of_text[{i}] must be an image index 0..{images - 1}, not {Describe(v)}"))
            .ToList();
        var s = RetrievalMetrics.Evaluate(flat, imageOfText);
        return new Dictionary<string, object>
        {
            ["text->image R@1"] = s.TextToImage.RecallAt1,
            ["text->image R@5"] = s.TextToImage.RecallAt5,
            ["text->image R@10"] = s.TextToImage.RecallAt10,
            ["text->image medr"] = s.TextToImage.MedianRank,
            ["text->image mAP"] = s.TextToImage.MeanAveragePrecision,
            ["image->text R@1"] = s.ImageToText.RecallAt1,
            ["image->text R@5"] = s.ImageToText.RecallAt5,
            ["image->text R@10"] = s.ImageToText.RecallAt10,
            ["image->text medr"] = s.ImageToText.MedianRank,
            ["image->text mAP"] = s.ImageToText.MeanAveragePrecision,
        };
    }

    // {"id": "text"} or [{"id", "text"}] on both sides, paired by id.
    private static Dictionary<string, object> Asr(JsonNode pred, JsonNode refs, bool normalize)
    {
        var hyp = Texts(pred, Side.Pred);
        var reference = Texts(refs, Side.Refs);
        var missing = reference.Keys.Where(k => !hyp.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            throw new CliInputException($"--pred has no text for {missing.Count} reference id(s), e.g. '{missing[0]}'");
        }

        var ids = reference.Keys.Order(StringComparer.Ordinal).ToList();
        Func<string, string>? normalizer = normalize ? EnglishTextNormalizer.Normalize : null;
        var wer = ErrorRate.Wer(ids.Select(i => reference[i]).ToList(), ids.Select(i => hyp[i]).ToList(), normalizer);
        var cer = ErrorRate.Cer(ids.Select(i => reference[i]).ToList(), ids.Select(i => hyp[i]).ToList(), normalizer);
        return new Dictionary<string, object>
        {
            ["utterances"] = ids.Count,
            ["WER"] = wer.Rate,
            ["CER"] = cer.Rate,
            ["substitutions"] = wer.Substitutions,
            ["deletions"] = wer.Deletions,
            ["insertions"] = wer.Insertions,
        };
    }

    private static Dictionary<string, string> Texts(JsonNode node, Side side) => node is JsonArray list
        ? Unique(side, list.Select((e, i) => (Id(Field(e, "id", side, i), side, i), Str(Field(e, "text", side, i), side, $"entry {i}: 'text'"))))
        : Unique(side, Obj(node, side, "the file").Select(p => (p.Key, Str(p.Value, side, $"'{p.Key}'"))));

    private enum Side
    {
        Pred,
        Refs,
    }

    /// <summary>A file that is valid JSON but not the shape a metric reads; the message names the entry.</summary>
    private sealed class ShapeException(Side side, string message) : Exception(message)
    {
        public Side Side { get; } = side;
    }

    private static string Id(JsonNode? node, Side side, int entry) => node switch
    {
        JsonValue v when v.TryGetValue(out long n) => n.ToString(CultureInfo.InvariantCulture),
        JsonValue v when v.TryGetValue(out string? text) => text,
        _ => throw new ShapeException(side, $"entry {entry}: the id must be a string or an integer, not {Describe(node)}"),
    };

    private static JsonNode? Field(JsonNode? entry, string name, Side side, int index) =>
        entry is JsonObject o ? o[name] : throw new ShapeException(side, $"entry {index} must be an object with '{name}', not {Describe(entry)}");

    private static string OptionalStr(JsonNode? entry, string name, Side side, int index) =>
        Field(entry, name, side, index) is { } value ? Str(value, side, $"annotation {index}: '{name}'") : string.Empty;

    private static string Str(JsonNode? node, Side side, string where) =>
        node is JsonValue v && v.TryGetValue(out string? text) ? text : throw new ShapeException(side, $"{where} must be a string, not {Describe(node)}");

    private static JsonObject Obj(JsonNode? node, Side side, string where) =>
        node as JsonObject ?? throw new ShapeException(side, $"{where} must be a JSON object, not {Describe(node)}");

    private static JsonArray Arr(JsonNode? node, Side side, string where) =>
        node as JsonArray ?? throw new ShapeException(side, $"{where} must be a JSON array, not {Describe(node)}");

    private static Dictionary<string, string> Unique(Side side, IEnumerable<(string Id, string Text)> entries)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (id, text) in entries)
        {
            if (!result.TryAdd(id, text))
            {
                throw new ShapeException(side, $"id '{id}' appears twice");
            }
        }

        return result;
    }

    private static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "an array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => $"the number {v.ToJsonString()}",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => "a value",
        },
        _ => "a value",
    };

    private static JsonNode Load(string path)
    {
        try
        {
            string text = File.ReadAllText(path);
            if (path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
            {
                return new JsonArray([.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => JsonNode.Parse(l))]);
            }

            return JsonNode.Parse(text) ?? throw new CliInputException($"'{path}' holds null, not results");
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            throw new CliInputException($"'{path}' cannot be read as JSON: {ex.Message}");
        }
    }

    private static string Format(object value) => value switch
    {
        double d => d.ToString("F4", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };
}

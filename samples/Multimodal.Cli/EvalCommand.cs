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
            var report = compute(Load(parse.GetValue(pred)!), Load(parse.GetValue(refs)!), normalizeOption is not null && parse.GetValue(normalizeOption));
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
            ? list.ToDictionary(e => Id(e!["image_id"]), e => (string)e!["caption"]!)
            : pred.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!);
        var references = new Dictionary<string, IReadOnlyList<string>>();
        if (refs["annotations"] is JsonArray annotations)
        {
            foreach (var group in annotations.GroupBy(a => Id(a!["image_id"])))
            {
                references[group.Key] = group.Select(a => (string)a!["caption"]!).ToList();
            }
        }
        else
        {
            foreach (var (id, value) in refs.AsObject())
            {
                references[id] = value is JsonArray many ? many.Select(v => (string)v!).ToList() : [(string)value!];
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
        var predictions = pred.AsArray().ToDictionary(e => Id(e!["question_id"]), e => (string)e!["answer"]!);
        var annotations = (refs["annotations"] ?? throw new CliUsageException("--refs must hold an 'annotations' list")).AsArray()
            .Select(a => new VqaAnnotation(
                Id(a!["question_id"]),
                a["answers"]!.AsArray().Select(x => x is JsonObject o ? (string)o["answer"]! : (string)x!).ToList(),
                (string?)a["question_type"] ?? string.Empty,
                (string?)a["answer_type"] ?? string.Empty))
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
        var rows = (pred["similarity"] ?? throw new CliUsageException("--pred must hold 'similarity'")).AsArray();
        int images = rows.Count == 0 ? 0 : rows[0]!.AsArray().Count;
        var flat = new double[rows.Count, images];
        for (int t = 0; t < rows.Count; t++)
        {
            var row = rows[t]!.AsArray();
            if (row.Count != images)
            {
                throw new CliUsageException($"similarity row {t} has {row.Count} values; row 0 has {images}");
            }

            for (int i = 0; i < images; i++)
            {
                flat[t, i] = (double)row[i]!;
            }
        }
        var imageOfText = (refs["image_of_text"] ?? throw new CliUsageException("--refs must hold 'image_of_text'")).AsArray().Select(v => (int)v!).ToList();
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
        var hyp = Texts(pred);
        var reference = Texts(refs);
        var missing = reference.Keys.Where(k => !hyp.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            throw new CliUsageException($"--pred has no text for {missing.Count} reference id(s), e.g. '{missing[0]}'");
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

    private static Dictionary<string, string> Texts(JsonNode node) => node is JsonArray list
        ? list.ToDictionary(e => Id(e!["id"]), e => (string)e!["text"]!)
        : node.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!);

    private static string Id(JsonNode? node) => node switch
    {
        null => throw new CliUsageException("an entry has no id"),
        JsonValue v when v.TryGetValue(out long n) => n.ToString(CultureInfo.InvariantCulture),
        _ => (string)node!,
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

            return JsonNode.Parse(text) ?? throw new CliUsageException($"'{path}' is empty");
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

using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Multimodal.Sdk;

// The .NET side of tools/bench/precisions.sh: each zoo model with its _quantized and _fp16 variants loaded side by side
// through the public API (MultimodalOptions.PreferredPrecisions = [one precision], so a missing variant fails instead of
// falling back), the same held-out inputs through all three in rotating order, one thread each. Prints, per model and
// precision, the held-out score and the time against fp32 in this run (fp32 time / variant time), as a markdown table
// and one JSON line.
//   PrecisionsBench --models DIR --shapes DIR --speech DIR [--images N] [--clips N]
var a = new Queue<string>(args);
string models = "", shapes = "", speech = "";
int images = 200, clips = 60;
while (a.Count > 0)
{
    switch (a.Dequeue())
    {
        case "--models": models = a.Dequeue(); break;
        case "--shapes": shapes = a.Dequeue(); break;
        case "--speech": speech = a.Dequeue(); break;
        case "--images": images = int.Parse(a.Dequeue(), CultureInfo.InvariantCulture); break;
        case "--clips": clips = int.Parse(a.Dequeue(), CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine("usage: PrecisionsBench --models DIR --shapes DIR --speech DIR [--images N] [--clips N]"); return 2;
    }
}

ModelPrecision[] precisions = [ModelPrecision.Full, ModelPrecision.Quantized, ModelPrecision.Float16];
MultimodalOptions Options(ModelPrecision p) => new() { PreferredPrecisions = [p], IntraOpThreads = 1, InterOpThreads = 1 };
var shapeItems = File.ReadLines(Path.Combine(shapes, "labels.jsonl")).Take(images).Select(l => JsonDocument.Parse(l).RootElement).ToList();
var rows = new List<Row>();

// tiny-clip: zero-shot top-1 over the 40 labels on the one-object images
{
    var encoders = precisions.Select(p => new ClipEncoder(Path.Combine(models, "tiny-clip"), Options(p))).ToArray();
    using var labelsDoc = JsonDocument.Parse(File.ReadAllText(Path.Combine(models, "tiny-clip", "eval.json")));
    var labels = labelsDoc.RootElement.GetProperty("zero_shot_labels").EnumerateArray().Select(e => e.GetString()!["a photo of a ".Length..]).ToList();
    var options = new ZeroShotOptions { Templates = ["a photo of a {label}"] };
    var oneObject = shapeItems.Where(i => i.GetProperty("objects").GetArrayLength() == 1).ToList();
    await Measure("tiny-clip", "zero-shot top-1, one-object images", oneObject.Count, async (p, k) =>
    {
        var item = oneObject[k];
        var o = item.GetProperty("objects")[0];
        var result = await encoders[p].ClassifyAsync(ImageData.FromFile(Path.Combine(shapes, item.GetProperty("file").GetString()!)), labels, options);
        return (result.Labels[0].Label == $"{o.GetProperty("colour").GetString()} {o.GetProperty("shape").GetString()}" ? 1 : 0, 1);
    });
    foreach (var e in encoders)
    {
        e.Dispose();
    }
}

// tiny-captioner: greedy caption == canonical caption
{
    var captioners = precisions.Select(p => new ImageCaptioner(Path.Combine(models, "tiny-captioner"), Options(p))).ToArray();
    await Measure("tiny-captioner", "caption == canonical caption", shapeItems.Count, async (p, k) =>
    {
        var item = shapeItems[k];
        var caption = await captioners[p].CaptionAsync(ImageData.FromFile(Path.Combine(shapes, item.GetProperty("file").GetString()!)));
        return (caption.Text == item.GetProperty("caption").GetString() ? 1 : 0, 1);
    });
    foreach (var c in captioners)
    {
        c.Dispose();
    }
}

// tiny-vlm: exact answer to every question of the image
{
    var vqa = precisions.Select(p => new VisualQa(Path.Combine(models, "tiny-vlm"), Options(p))).ToArray();
    await Measure("tiny-vlm", "exact answer, every question", shapeItems.Count, async (p, k) =>
    {
        var item = shapeItems[k];
        var qa = item.GetProperty("qa").EnumerateArray().ToList();
        var answers = await vqa[p].AnswerAsync(ImageData.FromFile(Path.Combine(shapes, item.GetProperty("file").GetString()!)), qa.Select(q => q.GetProperty("question").GetString()!).ToList());
        return (answers.Zip(qa).Count(x => x.First.Answer == x.Second.GetProperty("answer").GetString()), qa.Count);
    });
    foreach (var v in vqa)
    {
        v.Dispose();
    }
}

// tiny-whisper: short clips, greedy, language detected; WER over English and Spanish transcripts together
if (speech.Length > 0)
{
    var clipItems = File.ReadLines(Path.Combine(speech, "labels.jsonl")).Take(clips).Select(l => JsonDocument.Parse(l).RootElement).ToList();
    var recognizers = precisions.Select(p => new WhisperRecognizer(Path.Combine(models, "tiny-whisper"), Options(p))).ToArray();
    var hypotheses = precisions.Select(_ => new string[clipItems.Count]).ToArray();
    var languages = precisions.Select(_ => new int[1]).ToArray();
    var options = new SpeechRecognitionOptions { Temperatures = [0f], CompressionRatioThreshold = null, LogProbThreshold = null, NoSpeechThreshold = null };
    var row = await Measure("tiny-whisper", "WER (lowercase, no punctuation); language id", clipItems.Count, async (p, k) =>
    {
        var item = clipItems[k];
        var result = await recognizers[p].TranscribeAsync(AudioFile.Read(Path.Combine(speech, item.GetProperty("file").GetString()!)), options);
        hypotheses[p][k] = result.Text;
        return (result.Language == item.GetProperty("language").GetString() ? 1 : 0, 1);
    }, report: false);
    var references = clipItems.Select(i => i.GetProperty("text").GetString()!).ToList();
    for (int p = 0; p < precisions.Length; p++)
    {
        double wer = ErrorRate.Wer(references, hypotheses[p], Normalize).Rate;
        rows.Add(row[p] with { Score = $"WER {wer * 100:F2}%, language {row[p].Score}" });
        Console.Error.WriteLine($"{rows[^1].Model} {rows[^1].Precision}: {rows[^1].Score}, {rows[^1].Ratio:F2}x");
    }

    foreach (var r in recognizers)
    {
        r.Dispose();
    }
}

var md = new StringBuilder();
md.AppendLine("| model | held-out metric | precision | score | time | fp32 time / this time |");
md.AppendLine("|---|---|---|---|---|---|");
foreach (var r in rows)
{
    md.AppendLine($"| {r.Model} | {r.Metric} ({r.Items} items) | {r.Precision} | {r.Score} | {r.Seconds:F2} s | {r.Ratio:F2}x |");
}

Console.Write(md.ToString());
Console.WriteLine(JsonSerializer.Serialize(rows));
return 0;

async Task<Row[]> Measure(string model, string metric, int count, Func<int, int, Task<(int Correct, int Total)>> run, bool report = true)
{
    // one warm-up call per precision, then every item through all three, the order rotating per item
    for (int p = 0; p < precisions.Length; p++)
    {
        await run(p, 0);
    }

    var ticks = new long[precisions.Length];
    var correct = new int[precisions.Length];
    var total = new int[precisions.Length];
    for (int k = 0; k < count; k++)
    {
        for (int j = 0; j < precisions.Length; j++)
        {
            int p = (k + j) % precisions.Length;
            long t = Stopwatch.GetTimestamp();
            var (c, n) = await run(p, k);
            ticks[p] += Stopwatch.GetTimestamp() - t;
            correct[p] += c;
            total[p] += n;
        }
    }

    var result = new Row[precisions.Length];
    for (int p = 0; p < precisions.Length; p++)
    {
        double seconds = (double)ticks[p] / Stopwatch.Frequency;
        double ratio = (double)ticks[0] / ticks[p];
        result[p] = new Row(model, metric, count, Name(precisions[p]), $"{100.0 * correct[p] / total[p]:F1}% ({correct[p]}/{total[p]})", seconds, ratio);
        if (report)
        {
            rows.Add(result[p]);
            Console.Error.WriteLine($"{model} {result[p].Precision}: {result[p].Score}, {seconds:F2} s, {ratio:F2}x");
        }
    }

    return result;
}

static string Name(ModelPrecision p) => p switch { ModelPrecision.Full => "fp32", ModelPrecision.Quantized => "_quantized (int8)", _ => "_fp16" };

static string Normalize(string text) =>
    new string(text.ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || char.IsWhiteSpace(c)).ToArray()).Trim();

internal sealed record Row(string Model, string Metric, int Items, string Precision, string Score, double Seconds, double Ratio);

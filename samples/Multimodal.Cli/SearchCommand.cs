using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Multimodal.Sdk;

namespace Multimodal.Cli;

/// <summary><c>mm search</c>: the items of an index folder closest to texts or images, by CLIP cosine similarity.</summary>
internal static class SearchCommand
{
    public static Command Create(CliConsole io)
    {
        var index = IndexCommand.IndexOption();
        var texts = CliOptions.Many("--text", "Q", "Text queries (or --image).");
        var images = CliOptions.Images(required: false, "Image queries: files, directories or quoted globs (or --text).");
        var top = CliOptions.PositiveInt("--top", "Hits per query (default 10).", "K");
        var modality = new Option<string>("--modality")
        {
            Description = "Only hits of this kind.",
            HelpName = "image|text|audio",
        };
        modality.AcceptOnlyFromAmong("image", "text", "audio");
        var model = CliOptions.Model("tiny-clip");
        var json = CliOptions.Json();
        var command = new Command("search", "Find the items of an index folder closest to texts or images (cosine similarity).")
        {
            index, texts, images, top, modality, model, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var textList = parse.GetValue(texts) ?? [];
            if (textList.Length > 0 == parse.Has(images))
            {
                throw new CliUsageException("search needs either --text Q... or --image F..., not both");
            }

            var files = textList.Length > 0 ? [] : parse.ImageFiles(images);
            foreach (var f in files.Where(f => !File.Exists(f)))
            {
                throw new CliInputException($"'{f}' does not exist");
            }

            var options = new RetrievalSearchOptions { Top = parse.GetValue(top) ?? 10 };
            if (parse.GetValue(modality) is { } m)
            {
                options.Modality = Enum.Parse<RetrievalModality>(m, ignoreCase: true);
            }

            using var store = IndexCommand.OpenReader(parse.GetValue(index)!);
            using var clip = new ClipEncoder(parse.GetValue(model) ?? io.BundledModel("tiny-clip"));
            var retriever = new MultimodalRetriever(clip, store);
            string[] queries = textList.Length > 0 ? textList : [.. files];
            var hits = textList.Length > 0
                ? await retriever.SearchAsync(textList, options, cancellationToken)
                : await retriever.SearchAsync([.. files.Select(ImageData.FromFile)], options, cancellationToken);
            var results = queries.Zip(hits, (q, h) => new
            {
                query = q,
                hits = h.Select(x => new { id = x.Record.Id, modality = IndexCommand.Name(x.Record.Modality), source = x.Record.Source, score = Math.Round(x.Score, 6) }).ToList(),
            }).ToList();
            if (parse.GetValue(json))
            {
                io.Out.WriteLine(JsonSerializer.Serialize(new { results }, Batch.Json));
            }
            else
            {
                Batch.WriteTable(io, ["query", "rank", "score", "modality", "id", "source"], results.SelectMany(r => r.hits.Select((h, i) => new[]
                {
                    r.query, (i + 1).ToString(CultureInfo.InvariantCulture), h.score.ToString("F4", CultureInfo.InvariantCulture), h.modality, h.id, h.source,
                })));
            }

            return 0;
        });
        return command;
    }
}

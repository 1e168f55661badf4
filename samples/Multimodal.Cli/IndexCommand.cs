using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Multimodal.Sdk;

namespace Multimodal.Cli;

/// <summary>
/// <c>mm index add | info | remove</c>: a retrieval index folder (the embedded store, docs/retrieval.md) of images,
/// texts and audio embedded by CLIP (audio through its Whisper transcript).
/// </summary>
internal static class IndexCommand
{
    public static Command Create(CliConsole io)
    {
        var command = new Command("index", "Build and inspect a retrieval index folder (search it with mm search).");
        command.Subcommands.Add(Add(io));
        command.Subcommands.Add(Info(io));
        command.Subcommands.Add(Remove(io));
        return command;
    }

    /// <summary><c>--index DIR</c>: the index folder.</summary>
    public static Option<string> IndexOption() => new("--index")
    {
        Description = "The index folder (created by mm index add).",
        HelpName = "DIR",
        Required = true,
    };

    private static Command Add(CliConsole io)
    {
        var index = IndexOption();
        var images = CliOptions.Images(required: false, "Images to add: files, directories or quoted globs.");
        var texts = CliOptions.Many("--text", "T", "Texts to add (each its own item; its source is the text).");
        var textsFile = CliOptions.Path("--texts-file", "A file of texts to add, one per line (empty lines skipped).", "F");
        var audio = CliOptions.Many("--audio", "F", "Audio to add, transcribed by Whisper: files, directories or quoted globs (not WAV needs ffmpeg).");
        var model = CliOptions.Model("tiny-clip");
        var speechModel = CliOptions.Path("--speech-model", "The Whisper model folder for --audio (default: the bundled tiny-whisper).");
        var json = CliOptions.Json();
        var command = new Command("add", "Add images, texts or audio to an index folder; the same content is stored once.")
        {
            index, images, texts, textsFile, audio, model, speechModel, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var items = new List<RetrievalItem>();
            var files = parse.ImageFiles(images);
            items.AddRange(files.Select(f => RetrievalItem.FromImageFile(f)));
            items.AddRange((parse.GetValue(texts) ?? []).Select(t => RetrievalItem.FromText(t)));
            if (parse.GetValue(textsFile) is { } textsPath)
            {
                if (!File.Exists(textsPath))
                {
                    throw new CliInputException($"'{textsPath}' does not exist");
                }

                items.AddRange(File.ReadLines(textsPath).Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => RetrievalItem.FromText(l)));
            }

            var audioFiles = CliOptions.Expand(parse.GetValue(audio) ?? [], CliOptions.AudioExtensions);
            if (items.Count == 0 && audioFiles.Count == 0)
            {
                throw new CliUsageException("index add needs --image F..., --text T..., --texts-file F or --audio F...");
            }

            foreach (var f in files.Where(f => !File.Exists(f)))
            {
                throw new CliInputException($"'{f}' does not exist");
            }

            using var clip = new ClipEncoder(parse.GetValue(model) ?? io.BundledModel("tiny-clip"));
            using var whisper = audioFiles.Count > 0 ? new WhisperRecognizer(parse.GetValue(speechModel) ?? io.BundledModel("tiny-whisper")) : null;
            foreach (var clipPath in audioFiles)
            {
                // Any container the speech package decodes (ffmpeg beyond WAV); the source stays the file path.
                items.Add(RetrievalItem.FromAudio(TranscribeCommand.ReadAudio(clipPath, cancellationToken), clipPath));
            }

            using var store = OpenWriter(parse.GetValue(index)!);
            var retriever = new MultimodalRetriever(clip, store, whisper);
            var progress = new Progress<RetrievalProgress>(p =>
            {
                if (io.ErrorIsTerminal)
                {
                    io.Error.Write($"\radded {p.Completed}/{p.Total}");
                }
            });
            var results = await retriever.AddAsync(items, progress, cancellationToken);
            if (io.ErrorIsTerminal)
            {
                io.Error.WriteLine();
            }

            var rows = items.Zip(results, (item, r) => new { id = r.Id, modality = Name(item.Modality), source = item.Source, status = r.Status.ToString().ToLowerInvariant() }).ToList();
            if (parse.GetValue(json))
            {
                io.Out.WriteLine(JsonSerializer.Serialize(new { results = rows }, Batch.Json));
            }
            else
            {
                Batch.WriteTable(io, ["id", "modality", "status", "source"], rows.Select(r => new[] { r.id, r.modality, r.status, Short(r.source) }));
                io.Error.WriteLine($"{rows.Count(r => r.status == "added")} added, {rows.Count(r => r.status == "updated")} updated, {rows.Count(r => r.status == "unchanged")} unchanged; {await store.CountAsync(cancellationToken)} items in {store.DirectoryPath}");
            }

            return 0;
        });
        return command;
    }

    private static Command Info(CliConsole io)
    {
        var index = IndexOption();
        var json = CliOptions.Json();
        var command = new Command("info", "Show an index folder's size, dimension, encoding and search mode.") { index, json };
        command.SetAction(parse =>
        {
            using var store = OpenReader(parse.GetValue(index)!);
            var info = store.GetInfo();
            var row = new
            {
                index = info.Location,
                count = info.Count,
                dimension = info.Dimension,
                encoding = store.Encoding == RetrievalVectorEncoding.Int8 ? "int8" : "float32",
                search = info.SearchMode,
            };
            if (parse.GetValue(json))
            {
                io.Out.WriteLine(JsonSerializer.Serialize(row, Batch.Json));
            }
            else
            {
                Batch.WriteTable(io, ["index", "items", "dimension", "encoding", "search"], [[row.index, row.count.ToString(CultureInfo.InvariantCulture), row.dimension.ToString(CultureInfo.InvariantCulture), row.encoding, row.search]]);
            }

            return 0;
        });
        return command;
    }

    private static Command Remove(CliConsole io)
    {
        var index = IndexOption();
        var ids = CliOptions.Many("--id", "ID", "Ids to remove (as mm index add and mm search print them).", required: true);
        var command = new Command("remove", "Remove items by id from an index folder.") { index, ids };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var store = OpenWriter(parse.GetValue(index)!);
            var list = parse.GetValue(ids) ?? [];
            int removed = await store.DeleteAsync(list, cancellationToken);
            io.Out.WriteLine($"removed {removed} of {list.Length}; {await store.CountAsync(cancellationToken)} items left");
            return removed == list.Length ? 0 : 3;
        });
        return command;
    }

    /// <summary>Opens the folder for writing; another writer holding it is an input error with the store's message.</summary>
    public static EmbeddedRetrievalStore OpenWriter(string directory)
    {
        try
        {
            return EmbeddedRetrievalStore.Open(directory);
        }
        catch (Exception ex) when (ex is RetrievalIndexLockedException or RetrievalIndexFormatException)
        {
            throw new CliInputException(ex.Message);
        }
    }

    /// <summary>Opens an existing folder read-only (searches do not wait for a writer).</summary>
    public static EmbeddedRetrievalStore OpenReader(string directory)
    {
        if (!File.Exists(Path.Combine(directory, "manifest.json")))
        {
            throw new CliInputException($"'{directory}' is not an index folder (no manifest.json): create it with mm index add");
        }

        try
        {
            return EmbeddedRetrievalStore.Open(directory, new EmbeddedRetrievalStoreOptions { ReadOnly = true });
        }
        catch (RetrievalIndexFormatException ex)
        {
            throw new CliInputException(ex.Message);
        }
    }

    public static string Name(RetrievalModality modality) => modality.ToString().ToLowerInvariant();

    private static string Short(string source) => source.Length <= 60 ? source : source[..57] + "...";
}

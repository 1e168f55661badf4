using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Multimodal.Sdk;

namespace Multimodal.Cli;

/// <summary>
/// <c>mm download REPO</c>: fetches what the pipelines need from a Hugging Face repository into the hub cache
/// (<c>HF_HOME</c>, shared with Python) and prints the snapshot folder, which every <c>--model</c> accepts.
/// </summary>
internal static class DownloadCommand
{
    // transformers.js's dtype names.
    private static readonly Dictionary<string, ModelPrecision> Precisions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["fp32"] = ModelPrecision.Full,
        ["fp16"] = ModelPrecision.Float16,
        ["q8"] = ModelPrecision.Quantized,
        ["int8"] = ModelPrecision.Int8,
        ["uint8"] = ModelPrecision.UInt8,
        ["q4"] = ModelPrecision.Q4,
        ["q4f16"] = ModelPrecision.Q4F16,
        ["bnb4"] = ModelPrecision.Bnb4,
    };

    public static Command Create(CliConsole io)
    {
        var repo = new Argument<string>("REPO") { Description = "The repository, owner/name (Xenova/clip-vit-base-patch32); owner/name@revision pins a revision too." };
        var revision = new Option<string>("--revision") { Description = "A branch, tag or commit (default: main).", HelpName = "R" };
        var precision = new Option<string>("--precision")
        {
            Description = "The graphs to fetch, as transformers.js names them: fp32 (model.onnx), fp16 (model_fp16.onnx), q8 (model_quantized.onnx) ... Each graph falls back to fp32 where the repository lacks the variant.",
            HelpName = "q8|fp16|fp32",
            DefaultValueFactory = _ => "fp32",
        };
        precision.AcceptOnlyFromAmong([.. Precisions.Keys]);
        var include = CliOptions.Many("--include", "GLOB", "Also fetch files matching GLOB (fnmatch, as huggingface_hub's allow_patterns: \"*.md\", \"onnx/*_fp16.onnx\").");
        var cacheDir = CliOptions.Path("--cache-dir", "The hub cache folder (default: HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub).");
        var json = CliOptions.Json();
        var command = new Command("download", "Download a model from the Hugging Face hub (HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE are honoured) and print its folder.")
        {
            repo, revision, precision, include, cacheDir, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string id = parse.GetValue(repo)!;
            if (!HuggingFaceHub.TryParseRepoId(id.Contains(':', StringComparison.Ordinal) ? id : "hf:" + id, out var repoId, out var revisionInId))
            {
                throw new CliUsageException($"'{id}' is not a repository id: expected owner/name");
            }

            var wanted = Precisions[parse.GetValue(precision) ?? "fp32"];
            var options = new ModelDownloadOptions
            {
                Revision = parse.GetValue(revision) ?? revisionInId,
                Precisions = wanted == ModelPrecision.Full ? [ModelPrecision.Full] : [wanted, ModelPrecision.Full],
                Include = parse.GetValue(include) ?? [],
            };
            var hubOptions = new HuggingFaceHubOptions();
            if (parse.GetValue(cacheDir) is { } dir)
            {
                hubOptions.CacheDirectory = dir;
            }

            using var hub = new HuggingFaceHub(hubOptions);
            string? last = null;
            var progress = new Progress<ModelDownloadProgress>(p =>
            {
                if (io.ErrorIsTerminal)
                {
                    io.Error.Write($"\r{p.FilesDone}/{p.FileCount} files, {p.FileName} {Size(p.FileBytes)}{(p.FileLength is long n ? " of " + Size(n) : string.Empty)}\u001b[K");
                }
                else if (p.FileBytes == p.FileLength && p.FileName != last)
                {
                    last = p.FileName;
                    io.Error.WriteLine($"{p.FilesDone}/{p.FileCount} {p.FileName} ({Size(p.FileBytes)})");
                }
            });
            var snapshot = await hub.DownloadAsync(repoId, options, progress, cancellationToken);
            if (io.ErrorIsTerminal)
            {
                io.Error.WriteLine();
            }

            if (parse.GetValue(json))
            {
                io.Out.WriteLine(JsonSerializer.Serialize(new { repo = snapshot.RepoId, commit = snapshot.Commit, path = snapshot.Path, files = snapshot.Files }, Batch.Json));
            }
            else
            {
                io.Error.WriteLine($"{snapshot.RepoId} at {snapshot.Commit[..10]}: {snapshot.Files.Count} files; use it with --model {snapshot.RepoId} or --model {snapshot.Path}");
                io.Out.WriteLine(snapshot.Path);
            }

            return 0;
        });
        return command;
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1 << 20 => (bytes / (double)(1 << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MB",
        >= 1 << 10 => (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " kB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };
}

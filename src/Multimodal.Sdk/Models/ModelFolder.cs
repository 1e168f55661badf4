using System.Collections.Concurrent;

namespace Multimodal.Sdk;

/// <summary>
/// A model folder in the Hugging Face Optimum / transformers.js layout: JSON configs at the top, graphs in
/// <c>onnx/</c> with a precision suffix (<c>model.onnx</c>, <c>model_quantized.onnx</c>, <c>model_fp16.onnx</c> ...),
/// large weights in <c>&lt;name&gt;.onnx_data</c> beside their graph.
/// </summary>
/// <remarks>Configs are parsed once, on first use. Safe for concurrent use.</remarks>
internal sealed class ModelFolder
{
    private static readonly (ModelPrecision Precision, string Suffix)[] Suffixes =
    [
        (ModelPrecision.Full, string.Empty),
        (ModelPrecision.Float16, "_fp16"),
        (ModelPrecision.Quantized, "_quantized"),
        (ModelPrecision.Int8, "_int8"),
        (ModelPrecision.UInt8, "_uint8"),
        (ModelPrecision.Q4, "_q4"),
        (ModelPrecision.Q4F16, "_q4f16"),
        (ModelPrecision.Bnb4, "_bnb4"),
    ];

    private readonly ConcurrentDictionary<string, JsonConfig?> _json = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<ModelPrecision> _precisions;

    private ModelFolder(string path, IReadOnlyList<ModelPrecision> precisions)
    {
        Path = path;
        _precisions = precisions;
    }

    /// <summary>Gets the full path of the folder.</summary>
    public string Path { get; }

    /// <summary>Gets <c>config.json</c>, which every model folder has.</summary>
    public JsonConfig Config => GetJson("config.json");

    /// <summary>Gets <c>config.json</c>'s <c>model_type</c>.</summary>
    public string ModelType => Config.GetString("model_type");

    /// <summary>Opens a folder, checking that it exists; nothing else is read until it is needed.</summary>
    /// <exception cref="ModelNotFoundException">The folder does not exist.</exception>
    public static ModelFolder Open(string path, IEnumerable<ModelPrecision>? preferredPrecisions = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = System.IO.Path.GetFullPath(path);
        if (!Directory.Exists(full))
        {
            throw new ModelNotFoundException(full, null, $"Model folder '{full}' does not exist.");
        }

        var precisions = preferredPrecisions?.ToArray() is { Length: > 0 } p ? p : [ModelPrecision.Full];
        return new ModelFolder(full, precisions);
    }

    /// <summary>Gets a JSON file that must exist.</summary>
    /// <exception cref="ModelNotFoundException">The file is missing.</exception>
    /// <exception cref="ModelIncompatibleException">The file is not a JSON object.</exception>
    public JsonConfig GetJson(string fileName) =>
        TryGetJson(fileName) ?? throw new ModelNotFoundException(Path, fileName, $"Model folder '{Path}' has no '{fileName}'. It holds: {ListTopLevel()}.");

    /// <summary>Gets a JSON file, or <see langword="null"/> when the folder does not have it.</summary>
    public JsonConfig? TryGetJson(string fileName) =>
        _json.GetOrAdd(fileName, static (name, folder) =>
            File.Exists(System.IO.Path.Combine(folder, name)) ? JsonConfig.Load(folder, name) : null, Path);

    /// <summary>Checks that <c>model_type</c> is one of <paramref name="accepted"/>.</summary>
    /// <exception cref="ModelIncompatibleException">The folder holds another kind of model.</exception>
    public void RequireModelType(string pipeline, params string[] accepted)
    {
        string? type = Config.TryGetString("model_type");
        if (type is null || !accepted.Contains(type, StringComparer.Ordinal))
        {
            string unsupported = type is not null && UnsupportedModelTypes.TryGetValue(type, out var why) ? " " + why : string.Empty;
            throw new ModelIncompatibleException(
                Path,
                "config.json",
                $"{pipeline} needs a model folder with model_type {string.Join(" or ", accepted.Select(a => $"'{a}'"))}, but '{Path}/config.json' says '{type ?? "(none)"}'.{unsupported}");
        }
    }

    /// <summary>Real model families the SDK recognises but cannot run yet, and why (docs/model-folders.md).</summary>
    private static readonly Dictionary<string, string> UnsupportedModelTypes = new(StringComparer.Ordinal)
    {
        ["smolvlm"] = "SmolVLM2 (model_type 'smolvlm') is not supported yet: its SmolVLMProcessor (video frames, its own image-splitting defaults) has not been checked against the Python reference; Idefics3 / SmolVLM v1 (model_type 'idefics3') is supported.",
        ["blip"] = "BLIP (Salesforce/blip-*) is not supported: it has no ONNX export contract the SDK knows (neither Optimum nor transformers.js exports it); only its tokenizer.json (BERT WordPiece) loads.",
    };

    /// <summary>Gets the graphs in <c>onnx/</c> (or at the top level) as relative paths.</summary>
    public IReadOnlyList<string> ListGraphs()
    {
        var found = new List<string>();
        foreach (var dir in new[] { System.IO.Path.Combine(Path, "onnx"), Path })
        {
            if (Directory.Exists(dir))
            {
                found.AddRange(Directory.EnumerateFiles(dir, "*.onnx").Select(f => System.IO.Path.GetRelativePath(Path, f)));
            }
        }

        found.Sort(StringComparer.Ordinal);
        return found;
    }

    /// <summary>
    /// Finds graph <paramref name="name"/> (without suffix or extension, e.g. "decoder_model_merged") in the
    /// preferred precision order; returns its full path or <see langword="null"/>.
    /// </summary>
    public string? FindGraph(string name)
    {
        foreach (var precision in _precisions)
        {
            string suffix = SuffixOf(precision);
            foreach (var dir in new[] { System.IO.Path.Combine(Path, "onnx"), Path })
            {
                string candidate = System.IO.Path.Combine(dir, name + suffix + ".onnx");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Finds a graph that must exist.</summary>
    /// <exception cref="ModelNotFoundException">No variant of the graph in the preferred precisions exists.</exception>
    public string GetGraph(string name)
    {
        if (FindGraph(name) is { } path)
        {
            return path;
        }

        var tried = _precisions.Select(p => $"onnx/{name}{SuffixOf(p)}.onnx").ToList();
        throw new ModelNotFoundException(
            Path,
            tried[0],
            $"Model folder '{Path}' has no graph {string.Join(" or ", tried.Select(t => $"'{t}'"))}. Graphs present: {Describe(ListGraphs())}.");
    }

    /// <summary>Gets the file-name suffix of a precision ("" for full precision, "_quantized" ...).</summary>
    public static string SuffixOf(ModelPrecision precision) => Suffixes.First(s => s.Precision == precision).Suffix;

    /// <summary>Gets a path relative to the folder, for messages.</summary>
    public string Relative(string fullPath) => System.IO.Path.GetRelativePath(Path, fullPath);

    private static string Describe(IReadOnlyList<string> items) => items.Count == 0 ? "none" : string.Join(", ", items);

    private string ListTopLevel()
    {
        try
        {
            return Describe(Directory.EnumerateFileSystemEntries(Path).Select(System.IO.Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList());
        }
        catch (IOException)
        {
            return "(unreadable)";
        }
    }
}

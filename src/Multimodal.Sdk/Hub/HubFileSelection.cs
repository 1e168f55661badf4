using System.Text;
using System.Text.RegularExpressions;

namespace Multimodal.Sdk;

/// <summary>
/// Chooses the files of a repository a pipeline needs: the top-level configs and tokenizer files, and for each graph the
/// first preferred precision it ships in (transformers.js naming: <c>model.onnx</c>, <c>model_quantized.onnx</c>,
/// <c>model_fp16.onnx</c> ...) with its external-data files, plus whatever the caller's patterns add. PyTorch,
/// TensorFlow and safetensors weights are never fetched: the SDK cannot run them.
/// </summary>
internal static class HubFileSelection
{
    private static readonly string[] SmallFileExtensions = [".json", ".txt", ".model", ".tiktoken", ".jinja"];

    // Longest suffix first, so "_q4f16" is not read as "_q4" and "f16" part of the name.
    private static readonly (ModelPrecision Precision, string Suffix)[] Suffixes =
        [.. Enum.GetValues<ModelPrecision>().Select(p => (p, ModelFolder.SuffixOf(p))).Where(s => s.Item2.Length > 0).OrderByDescending(s => s.Item2.Length)];

    /// <summary>Selects files from <paramref name="files"/>; throws when the repository has graphs but none in a wanted precision.</summary>
    /// <exception cref="ModelNotFoundException">No graph in any of <paramref name="precisions"/>.</exception>
    public static List<string> Select(string repoId, IReadOnlyCollection<string> files, IReadOnlyList<ModelPrecision> precisions, IReadOnlyList<string> include)
    {
        var wanted = precisions.Count > 0 ? precisions : [ModelPrecision.Full];
        var selected = new SortedSet<string>(StringComparer.Ordinal);
        var graphs = new Dictionary<string, Dictionary<ModelPrecision, string>>(StringComparer.Ordinal);
        foreach (string file in files)
        {
            bool topLevel = !file.Contains('/', StringComparison.Ordinal);
            if (topLevel && SmallFileExtensions.Any(e => file.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            {
                selected.Add(file);
            }
            else if ((topLevel || file.StartsWith("onnx/", StringComparison.Ordinal)) && file.EndsWith(".onnx", StringComparison.Ordinal))
            {
                var (baseName, precision) = ParseGraph(file);
                if (!graphs.TryGetValue(baseName, out var variants))
                {
                    graphs[baseName] = variants = [];
                }

                variants[precision] = file;
            }
        }

        var missing = new List<string>();
        foreach (var (baseName, variants) in graphs)
        {
            string? graph = wanted.Where(variants.ContainsKey).Select(p => variants[p]).FirstOrDefault();
            if (graph is not null)
            {
                selected.Add(graph);
                foreach (string file in files)
                {
                    // Weights over 2 GB live beside the graph: model.onnx_data, or model.onnx_data_1, _2 ...
                    if (file.StartsWith(graph + "_data", StringComparison.Ordinal))
                    {
                        selected.Add(file);
                    }
                }
            }
            else
            {
                missing.Add(baseName);
            }
        }

        if (graphs.Count > 0 && missing.Count == graphs.Count)
        {
            throw new ModelNotFoundException(
                repoId,
                null,
                $"Repository '{repoId}' has no graph in precision {string.Join(" or ", wanted.Select(Describe))}. Graphs present: {string.Join(", ", graphs.Values.SelectMany(v => v.Values).Order(StringComparer.Ordinal))}.");
        }

        foreach (string pattern in include)
        {
            var regex = GlobToRegex(pattern);
            selected.UnionWith(files.Where(f => regex.IsMatch(f)));
        }

        return [.. selected];
    }

    /// <summary>Names a precision as <c>mm download --precision</c> and transformers.js's <c>dtype</c> do.</summary>
    public static string Describe(ModelPrecision precision) => precision switch
    {
        ModelPrecision.Full => "fp32",
        ModelPrecision.Float16 => "fp16",
        ModelPrecision.Quantized => "q8",
        ModelPrecision.Int8 => "int8",
        ModelPrecision.UInt8 => "uint8",
        ModelPrecision.Q4 => "q4",
        ModelPrecision.Q4F16 => "q4f16",
        ModelPrecision.Bnb4 => "bnb4",
        _ => precision.ToString(),
    };

    /// <summary>Parses a transformers.js <c>dtype</c> name (<c>fp32</c>, <c>fp16</c>, <c>q8</c>, <c>int8</c> ...).</summary>
    public static bool TryParsePrecision(string value, out ModelPrecision precision)
    {
        foreach (var p in Enum.GetValues<ModelPrecision>())
        {
            if (string.Equals(Describe(p), value, StringComparison.OrdinalIgnoreCase) || string.Equals(p.ToString(), value, StringComparison.OrdinalIgnoreCase))
            {
                precision = p;
                return true;
            }
        }

        precision = default;
        return false;
    }

    /// <summary>fnmatch semantics, as huggingface_hub's allow_patterns: '*' matches '/' too.</summary>
    public static Regex GlobToRegex(string pattern)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        var sb = new StringBuilder("^");
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            switch (c)
            {
                case '*':
                    sb.Append(".*");
                    break;
                case '?':
                    sb.Append('.');
                    break;
                case '[':
                    int close = pattern.IndexOf(']', i + 1);
                    if (close < 0)
                    {
                        sb.Append(@"\[");
                        break;
                    }

                    string set = pattern[(i + 1)..close];
                    sb.Append('[').Append(set.StartsWith('!') ? "^" + Regex.Escape(set[1..]) : Regex.Escape(set)).Append(']');
                    i = close;
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return new Regex(sb.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }

    private static (string BaseName, ModelPrecision Precision) ParseGraph(string file)
    {
        string stem = file[..^".onnx".Length];
        foreach (var (precision, suffix) in Suffixes)
        {
            if (stem.EndsWith(suffix, StringComparison.Ordinal))
            {
                return (stem[..^suffix.Length], precision);
            }
        }

        return (stem, ModelPrecision.Full);
    }
}

using System.Globalization;
using System.Text.Json;

namespace Multimodal.Sdk;

/// <summary>
/// One parsed JSON file of a model folder with typed access by dotted path ("text_config.hidden_size").
/// A field of the wrong type raises <see cref="ModelIncompatibleException"/> naming the folder, the file,
/// the field and what was expected, so a broken export is diagnosed where it is read, not where it crashes.
/// </summary>
/// <remarks>Immutable; safe for concurrent use.</remarks>
internal sealed class JsonConfig
{
    private readonly JsonElement _root;

    private JsonConfig(string folderPath, string fileName, JsonElement root, string prefix)
    {
        FolderPath = folderPath;
        FileName = fileName;
        _root = root;
        Prefix = prefix;
    }

    public string FolderPath { get; }

    public string FileName { get; }

    public JsonElement Root => _root;

    private string Prefix { get; }

    public static JsonConfig Load(string folderPath, string fileName)
    {
        string path = Path.Combine(folderPath, fileName);
        try
        {
            using var stream = File.OpenRead(path);
            using var doc = JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ModelIncompatibleException(folderPath, fileName, $"'{fileName}' in model folder '{folderPath}' must hold a JSON object but holds {Describe(doc.RootElement)}.");
            }

            return new JsonConfig(folderPath, fileName, doc.RootElement.Clone(), string.Empty);
        }
        catch (JsonException ex)
        {
            throw new ModelIncompatibleException(folderPath, fileName, $"'{fileName}' in model folder '{folderPath}' is not valid JSON: {ex.Message}", ex);
        }
        catch (IOException ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ModelNotFoundException(folderPath, fileName, $"Model folder '{folderPath}' has no '{fileName}'.");
        }
    }

    /// <summary>Parses JSON text held in memory (tests and generated configs).</summary>
    public static JsonConfig Parse(string json, string folderPath = "(memory)", string fileName = "config.json")
    {
        using var doc = JsonDocument.Parse(json);
        return new JsonConfig(folderPath, fileName, doc.RootElement.Clone(), string.Empty);
    }

    public bool Has(string path) => TryFind(path, out var e) && e.ValueKind != JsonValueKind.Null;

    public JsonConfig? Section(string path)
    {
        if (!TryFind(path, out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            throw WrongType(path, "an object", e);
        }

        return new JsonConfig(FolderPath, FileName, e, Prefix + path + ".");
    }

    public string GetString(string path) => TryGetString(path) ?? throw Missing(path, "a string");

    public string? TryGetString(string path)
    {
        if (!TryFind(path, out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return e.ValueKind == JsonValueKind.String ? e.GetString() : throw WrongType(path, "a string", e);
    }

    public int GetInt32(string path) => TryGetInt32(path) ?? throw Missing(path, "an integer");

    public int? TryGetInt32(string path)
    {
        if (!TryFind(path, out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int v) ? v : throw WrongType(path, "an integer", e);
    }

    public double? TryGetDouble(string path)
    {
        if (!TryFind(path, out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return e.ValueKind == JsonValueKind.Number ? e.GetDouble() : throw WrongType(path, "a number", e);
    }

    public double GetDouble(string path) => TryGetDouble(path) ?? throw Missing(path, "a number");

    public bool? TryGetBoolean(string path)
    {
        if (!TryFind(path, out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return e.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw WrongType(path, "true or false", e),
        };
    }

    /// <summary>Reads an integer array; a single integer is accepted as a one-element array (eos_token_id is either).</summary>
    public int[]? TryGetInt32Array(string path)
    {
        if (!TryFind(path, out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int single))
        {
            return [single];
        }

        if (e.ValueKind != JsonValueKind.Array)
        {
            throw WrongType(path, "an integer or an array of integers", e);
        }

        var result = new int[e.GetArrayLength()];
        int i = 0;
        foreach (var item in e.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out result[i++]))
            {
                throw WrongType($"{path}[{i - 1}]", "an integer", item);
            }
        }

        return result;
    }

    public float[]? TryGetSingleArray(string path)
    {
        if (!TryFind(path, out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (e.ValueKind == JsonValueKind.Number)
        {
            return [e.GetSingle()];
        }

        if (e.ValueKind != JsonValueKind.Array)
        {
            throw WrongType(path, "a number or an array of numbers", e);
        }

        var result = new float[e.GetArrayLength()];
        int i = 0;
        foreach (var item in e.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number)
            {
                throw WrongType($"{path}[{i}]", "a number", item);
            }

            result[i++] = item.GetSingle();
        }

        return result;
    }

    /// <summary>Reads an object whose values are integers ("lang_to_id": {"&lt;|en|&gt;": 50259}).</summary>
    public IReadOnlyDictionary<string, int>? TryGetInt32Map(string path)
    {
        if (!TryFind(path, out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            throw WrongType(path, "an object of integers", e);
        }

        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt32(out int v))
            {
                throw WrongType($"{path}.{p.Name}", "an integer", p.Value);
            }

            map[p.Name] = v;
        }

        return map;
    }

    public bool TryFind(string path, out JsonElement element)
    {
        element = _root;
        foreach (var part in path.Split('.'))
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(part, out element))
            {
                element = default;
                return false;
            }
        }

        return true;
    }

    public ModelIncompatibleException Missing(string path, string expected) =>
        new(FolderPath, FileName, $"'{FileName}' in model folder '{FolderPath}' has no field '{Prefix}{path}' ({expected} was expected).");

    public ModelIncompatibleException WrongType(string path, string expected, JsonElement actual) =>
        new(FolderPath, FileName, $"'{FileName}' in model folder '{FolderPath}': field '{Prefix}{path}' must be {expected} but is {Describe(actual)}.");

    private static string Describe(JsonElement e)
    {
        string raw = e.GetRawText();
        if (raw.Length > 60)
        {
            raw = string.Concat(raw.AsSpan(0, 57), "...");
        }

        string kind = e.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => e.ValueKind.ToString().ToLower(CultureInfo.InvariantCulture),
        };
        return $"{kind} ({raw})";
    }
}

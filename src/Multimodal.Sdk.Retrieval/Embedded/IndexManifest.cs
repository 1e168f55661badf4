using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Multimodal.Sdk;

/// <summary>
/// manifest.json: the commit point of an index folder. It names the files of the current snapshot and how many rows
/// of the append-only column files are valid; it is replaced atomically (write, fsync, rename, fsync the folder).
/// </summary>
internal sealed record IndexManifest
{
    public const string FormatName = "multimodal-sdk-retrieval-index";
    public const int CurrentVersion = 1;
    public const string FileName = "manifest.json";

    [JsonPropertyName("format")]
    public string Format { get; init; } = FormatName;

    [JsonPropertyName("version")]
    public int Version { get; init; } = CurrentVersion;

    [JsonPropertyName("dimension")]
    public int Dimension { get; init; }

    [JsonPropertyName("encoding")]
    public string Encoding { get; init; } = "float32";

    [JsonPropertyName("generation")]
    public long Generation { get; init; }

    [JsonPropertyName("rows")]
    public int Rows { get; init; }

    [JsonPropertyName("recordsBytes")]
    public long RecordsBytes { get; init; }

    [JsonPropertyName("tombstones")]
    public string? Tombstones { get; init; }

    [JsonPropertyName("log")]
    public string Log { get; init; } = "log-0.bin";

    [JsonPropertyName("hnsw")]
    public string? Hnsw { get; init; }

    [JsonPropertyName("hnswRows")]
    public int HnswRows { get; init; }

    public static IndexManifest? Read(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        IndexManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(File.ReadAllBytes(path), ManifestJson.Default.IndexManifest);
        }
        catch (JsonException e)
        {
            throw new RetrievalIndexFormatException($"'{path}' is not a readable index manifest: {e.Message}", e);
        }

        if (manifest is null || manifest.Format != FormatName)
        {
            throw new RetrievalIndexFormatException($"'{path}' is not a {FormatName} manifest.");
        }

        if (manifest.Version > CurrentVersion)
        {
            throw new RetrievalIndexFormatException($"'{path}' has format version {manifest.Version}; this version of Multimodal.Sdk.Retrieval reads up to {CurrentVersion}.");
        }

        if (manifest.Encoding is not ("float32" or "int8") || manifest.Dimension < 0 || manifest.Rows < 0)
        {
            throw new RetrievalIndexFormatException($"'{path}' has an unknown encoding '{manifest.Encoding}' or a negative size.");
        }

        return manifest;
    }

    public void Write(string directory)
    {
        string path = Path.Combine(directory, FileName);
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
            JsonSerializer.Serialize(stream, this, ManifestJson.Default.IndexManifest);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        FileSync.Directory(directory);
    }
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(IndexManifest))]
internal sealed partial class ManifestJson : JsonSerializerContext;

/// <summary>fsync for folders (a rename is durable only once its folder is synced); files use <c>Flush(true)</c>.</summary>
internal static partial class FileSync
{
    public static void Directory(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        int fd = Open(directory, 0);
        if (fd >= 0)
        {
            _ = Fsync(fd);
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync")]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}

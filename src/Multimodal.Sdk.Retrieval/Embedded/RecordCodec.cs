using System.Text;
using System.Text.Json;

namespace Multimodal.Sdk;

/// <summary>A record's fields without its vector, as the store keeps them per row.</summary>
internal sealed record StoredRecord(string Id, RetrievalModality Modality, string Source, string ContentHash, string? MetadataJson)
{
    private JsonElement? _metadata;

    public JsonElement? Metadata => MetadataJson is null ? null : _metadata ??= JsonDocument.Parse(MetadataJson).RootElement.Clone();

    public static StoredRecord From(RetrievalRecord r) => new(r.Id, r.Modality, r.Source, r.ContentHash, r.Metadata?.GetRawText());

    public RetrievalRecord ToRecord(ReadOnlyMemory<float> embedding) => new(Id, Modality, Source, ContentHash, embedding, Metadata);

    /// <summary>Whether the metadata has every <c>key = value</c> as PostgreSQL's <c>metadata-&gt;&gt;'key'</c> text.</summary>
    public bool MatchesMetadata(IDictionary<string, string> equals)
    {
        if (equals.Count == 0)
        {
            return true;
        }

        if (Metadata is not { ValueKind: JsonValueKind.Object } meta)
        {
            return false;
        }

        foreach (var (key, value) in equals)
        {
            if (!meta.TryGetProperty(key, out var p))
            {
                return false;
            }

            string? text = p.ValueKind switch
            {
                JsonValueKind.String => p.GetString(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                JsonValueKind.Null => null,
                _ => p.GetRawText(),
            };
            if (text != value)
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// The binary form of a record's fields in the log and in records.bin: id, modality byte, source, content hash,
/// a metadata flag and the metadata JSON; strings as 7-bit-length-prefixed UTF-8 (<see cref="BinaryWriter"/>).
/// </summary>
internal static class RecordCodec
{
    public static void Write(BinaryWriter w, StoredRecord r)
    {
        w.Write(r.Id);
        w.Write((byte)r.Modality);
        w.Write(r.Source);
        w.Write(r.ContentHash);
        w.Write(r.MetadataJson is not null);
        if (r.MetadataJson is not null)
        {
            w.Write(r.MetadataJson);
        }
    }

    public static StoredRecord Read(BinaryReader r)
    {
        string id = r.ReadString();
        byte modality = r.ReadByte();
        if (modality > (byte)RetrievalModality.Audio)
        {
            throw new InvalidDataException($"Record '{id}' has modality {modality}.");
        }

        string source = r.ReadString();
        string hash = r.ReadString();
        string? meta = r.ReadBoolean() ? r.ReadString() : null;
        return new StoredRecord(id, (RetrievalModality)modality, source, hash, meta);
    }

    public static StoredRecord Read(ReadOnlySpan<byte> bytes)
    {
        int pos = 0;
        string id = ReadString(bytes, ref pos);
        byte modality = bytes[pos++];
        if (modality > (byte)RetrievalModality.Audio)
        {
            throw new InvalidDataException($"Record '{id}' has modality {modality}.");
        }

        string source = ReadString(bytes, ref pos);
        string hash = ReadString(bytes, ref pos);
        string? meta = bytes[pos++] != 0 ? ReadString(bytes, ref pos) : null;
        return new StoredRecord(id, (RetrievalModality)modality, source, hash, meta);
    }

    /// <summary>Reads only the id and the content hash (building the lookup maps of a large snapshot).</summary>
    public static (string Id, string ContentHash) ReadKeys(ReadOnlySpan<byte> bytes)
    {
        int pos = 0;
        string id = ReadString(bytes, ref pos);
        pos++;
        SkipString(bytes, ref pos);
        return (id, ReadString(bytes, ref pos));
    }

    private static int ReadLength(ReadOnlySpan<byte> bytes, ref int pos)
    {
        int value = 0, shift = 0;
        byte b;
        do
        {
            b = bytes[pos++];
            value |= (b & 0x7F) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0 && shift < 35);
        return value;
    }

    private static string ReadString(ReadOnlySpan<byte> bytes, ref int pos)
    {
        int length = ReadLength(bytes, ref pos);
        string s = Encoding.UTF8.GetString(bytes.Slice(pos, length));
        pos += length;
        return s;
    }

    private static void SkipString(ReadOnlySpan<byte> bytes, ref int pos)
    {
        int length = ReadLength(bytes, ref pos);
        pos += length;
    }
}

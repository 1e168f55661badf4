using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Multimodal.Sdk;

/// <summary>One replayed log entry: an upsert batch (records with vectors) or a delete batch (ids).</summary>
internal sealed record LogEntry(IReadOnlyList<(StoredRecord Record, float[] Vector)>? Upserts, IReadOnlyList<string>? Deletes);

/// <summary>
/// The write-ahead log of an index folder: an 8-byte header, then frames of <c>[u32 length][u32 CRC-32][payload]</c>,
/// one per acknowledged batch. A batch is acknowledged only after its frame is written and fsynced, so a crash
/// leaves at most one torn frame at the end; opening stops at the first frame whose length runs past the end or whose
/// CRC does not match, and a writer cuts the file there.
/// </summary>
internal sealed class RecordLog : IDisposable
{
    public static ReadOnlySpan<byte> Header => "MMRLOG\0\u0001"u8;

    private const int MaxFrame = 1 << 30;
    private const byte OpUpsert = 1;
    private const byte OpDelete = 2;

    private readonly FileStream _stream;

    private RecordLog(FileStream stream) => _stream = stream;

    public long Length => _stream.Length;

    /// <summary>Opens a log for appending at <paramref name="validLength"/> (cutting a torn tail), creating it when missing.</summary>
    public static RecordLog OpenForAppend(string path, long validLength)
    {
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        if (validLength < Header.Length)
        {
            stream.SetLength(0);
            stream.Write(Header);
            stream.Flush(flushToDisk: true);
        }
        else if (stream.Length != validLength)
        {
            stream.SetLength(validLength);
            stream.Flush(flushToDisk: true);
        }

        stream.Seek(0, SeekOrigin.End);
        return new RecordLog(stream);
    }

    /// <summary>Reads every complete, intact entry; <paramref name="validLength"/> is where the intact prefix ends.</summary>
    public static List<LogEntry> ReadAll(string path, out long validLength)
    {
        var entries = new List<LogEntry>();
        validLength = 0;
        if (!File.Exists(path))
        {
            return entries;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Span<byte> head = stackalloc byte[8];
        if (stream.ReadAtLeast(head, 8, throwOnEndOfStream: false) < 8 || !head.SequenceEqual(Header))
        {
            return entries;
        }

        validLength = 8;
        while (true)
        {
            if (stream.ReadAtLeast(head, 8, throwOnEndOfStream: false) < 8)
            {
                return entries;
            }

            uint length = BinaryPrimitives.ReadUInt32LittleEndian(head);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(head[4..]);
            if (length > MaxFrame || validLength + 8 + length > stream.Length)
            {
                return entries;
            }

            var payload = new byte[length];
            if (stream.ReadAtLeast(payload, (int)length, throwOnEndOfStream: false) < length || Crc32.Compute(payload) != crc)
            {
                return entries;
            }

            entries.Add(Decode(payload));
            validLength += 8 + length;
        }
    }

    /// <summary>Appends an upsert batch and returns once it is on disk.</summary>
    public void AppendUpserts(IReadOnlyList<(StoredRecord Record, float[] Vector)> records)
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(OpUpsert);
            w.Write(records.Count == 0 ? 0 : records[0].Vector.Length);
            w.Write(records.Count);
            foreach (var (record, vector) in records)
            {
                RecordCodec.Write(w, record);
                w.Write(MemoryMarshal.AsBytes(vector.AsSpan()));
            }
        }

        AppendFrame(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>Appends a delete batch and returns once it is on disk.</summary>
    public void AppendDeletes(IReadOnlyList<string> ids)
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(OpDelete);
            w.Write(ids.Count);
            foreach (var id in ids)
            {
                w.Write(id);
            }
        }

        AppendFrame(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    public void Dispose() => _stream.Dispose();

    private void AppendFrame(ReadOnlySpan<byte> payload)
    {
        if (payload.Length > MaxFrame)
        {
            throw new ArgumentException($"A batch of {payload.Length} bytes exceeds the log's frame limit of {MaxFrame} bytes: write it in smaller batches.");
        }

        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(head, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(head[4..], Crc32.Compute(payload));
        long start = _stream.Position;
        try
        {
            _stream.Write(head);
            _stream.Write(payload);
            _stream.Flush(flushToDisk: true);
        }
        catch
        {
            // A failed write must not leave a half frame that a later good frame would follow.
            _stream.SetLength(start);
            _stream.Position = start;
            throw;
        }
    }

    private static LogEntry Decode(byte[] payload)
    {
        using var reader = new BinaryReader(new MemoryStream(payload, writable: false), Encoding.UTF8);
        byte op = reader.ReadByte();
        if (op == OpDelete)
        {
            int n = reader.ReadInt32();
            var ids = new string[n];
            for (int i = 0; i < n; i++)
            {
                ids[i] = reader.ReadString();
            }

            return new LogEntry(null, ids);
        }

        if (op != OpUpsert)
        {
            throw new InvalidDataException($"Unknown log operation {op}.");
        }

        int dim = reader.ReadInt32();
        int count = reader.ReadInt32();
        var records = new List<(StoredRecord, float[])>(count);
        for (int i = 0; i < count; i++)
        {
            var record = RecordCodec.Read(reader);
            var vector = new float[dim];
            reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(vector.AsSpan()));
            records.Add((record, vector));
        }

        return new LogEntry(records, null);
    }
}

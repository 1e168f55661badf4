using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace Multimodal.Sdk;

/// <summary>File names of the append-only column files of an index folder (docs/retrieval.md, "Folder format").</summary>
internal static class ColumnFiles
{
    public const string Vectors = "vectors.f32";
    public const string Quantized = "vectors.i8";
    public const string Scales = "scales.f32";
    public const string Modalities = "modalities.u8";
    public const string RecordIndex = "records.idx";
    public const string Records = "records.bin";
    public const string Lock = "writer.lock";
}

/// <summary>Rows added since the last checkpoint, in growable arrays (the log holds them durably).</summary>
internal sealed class TailColumns
{
    private readonly int _dim;
    private readonly bool _int8;
    private float[] _vectors = [];
    private sbyte[] _quantized = [];
    private float[] _scales = [];
    private byte[] _modalities = [];

    public TailColumns(int dim, bool int8)
    {
        _dim = dim;
        _int8 = int8;
    }

    public int Count => Records.Count;

    public List<StoredRecord> Records { get; } = [];

    public ReadOnlySpan<float> Vectors => _vectors.AsSpan(0, Count * _dim);

    public ReadOnlySpan<sbyte> Quantized => _quantized.AsSpan(0, _int8 ? Count * _dim : 0);

    public ReadOnlySpan<float> Scales => _scales.AsSpan(0, _int8 ? Count : 0);

    public ReadOnlySpan<float> Vector(int row) => _vectors.AsSpan(row * _dim, _dim);

    public byte Modality(int row) => _modalities[row];

    public void Add(StoredRecord record, ReadOnlySpan<float> normalized)
    {
        int n = Count;
        if (n == _modalities.Length)
        {
            int capacity = Math.Max(16, n * 2);
            Array.Resize(ref _vectors, capacity * _dim);
            Array.Resize(ref _modalities, capacity);
            if (_int8)
            {
                Array.Resize(ref _quantized, capacity * _dim);
                Array.Resize(ref _scales, capacity);
            }
        }

        normalized.CopyTo(_vectors.AsSpan(n * _dim, _dim));
        _modalities[n] = (byte)record.Modality;
        if (_int8)
        {
            _scales[n] = VectorKernels.Quantize(normalized, _quantized.AsSpan(n * _dim, _dim));
        }

        Records.Add(record);
    }
}

/// <summary>
/// The checkpointed rows, memory-mapped read-only: opening costs a few mmap calls whatever the size, and the pages
/// come in from the page cache as a scan touches them.
/// </summary>
internal sealed unsafe class SnapshotColumns : IDisposable
{
    private readonly List<(MemoryMappedFile File, MemoryMappedViewAccessor View)> _maps = [];
    private readonly float* _vectors;
    private readonly sbyte* _quantized;
    private readonly float* _scales;
    private readonly byte* _modalities;
    private readonly long* _recordOffsets;
    private readonly byte* _records;
    private readonly long _recordsBytes;

    private SnapshotColumns(string directory, int rows, int dim, bool int8, long recordsBytes)
    {
        Rows = rows;
        Dim = dim;
        _recordsBytes = recordsBytes;
        try
        {
            _vectors = (float*)Map(directory, ColumnFiles.Vectors, (long)rows * dim * sizeof(float));
            _modalities = Map(directory, ColumnFiles.Modalities, rows);
            _recordOffsets = (long*)Map(directory, ColumnFiles.RecordIndex, (long)rows * sizeof(long));
            _records = Map(directory, ColumnFiles.Records, recordsBytes);
            if (int8)
            {
                _quantized = (sbyte*)Map(directory, ColumnFiles.Quantized, (long)rows * dim);
                _scales = (float*)Map(directory, ColumnFiles.Scales, (long)rows * sizeof(float));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public int Rows { get; }

    public int Dim { get; }

    public static SnapshotColumns Open(string directory, IndexManifest manifest)
        => new(directory, manifest.Rows, manifest.Dimension, manifest.Encoding == "int8", manifest.RecordsBytes);

    /// <summary>Gets <paramref name="count"/> rows from <paramref name="start"/> (a span is limited to 2^31 elements: scan in chunks).</summary>
    public ReadOnlySpan<float> Vectors(int start, int count) => new(_vectors + ((long)start * Dim), count * Dim);

    public ReadOnlySpan<float> Vector(int row) => new(_vectors + ((long)row * Dim), Dim);

    public ReadOnlySpan<sbyte> Quantized(int start, int count) => new(_quantized + ((long)start * Dim), count * Dim);

    public ReadOnlySpan<float> Scales(int start, int count) => new(_scales + start, count);

    public byte Modality(int row) => _modalities[row];

    public ReadOnlySpan<byte> RecordBytes(int row)
    {
        long start = _recordOffsets[row];
        long end = row + 1 < Rows ? _recordOffsets[row + 1] : _recordsBytes;
        if (start < 0 || end < start || end > _recordsBytes)
        {
            throw new RetrievalIndexFormatException($"records.idx row {row} points outside records.bin ({start}..{end} of {_recordsBytes}).");
        }

        return new ReadOnlySpan<byte>(_records + start, (int)(end - start));
    }

    public StoredRecord Record(int row) => RecordCodec.Read(RecordBytes(row));

    public void Dispose()
    {
        foreach (var (file, view) in _maps)
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
            view.Dispose();
            file.Dispose();
        }

        _maps.Clear();
    }

    private byte* Map(string directory, string name, long length)
    {
        if (length == 0)
        {
            return null;
        }

        string path = Path.Combine(directory, name);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length < length)
        {
            stream.Dispose();
            throw new RetrievalIndexFormatException($"'{path}' holds {new FileInfo(path).Length} bytes; the manifest needs {length}.");
        }

        var file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        var view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _maps.Add((file, view));
        return pointer + view.PointerOffset;
    }
}

/// <summary>Bitmap of deleted rows (tombstones), checkpointed as tombstones-&lt;generation&gt;.bin.</summary>
internal sealed class Tombstones
{
    private ulong[] _bits = [];

    public int Count { get; private set; }

    public bool IsDeleted(int row) => (uint)(row >> 6) < (uint)_bits.Length && (_bits[row >> 6] & (1UL << (row & 63))) != 0;

    public bool Delete(int row)
    {
        if (IsDeleted(row))
        {
            return false;
        }

        if ((row >> 6) >= _bits.Length)
        {
            Array.Resize(ref _bits, Math.Max((row >> 6) + 1, _bits.Length * 2));
        }

        _bits[row >> 6] |= 1UL << (row & 63);
        Count++;
        return true;
    }

    public static Tombstones Read(string path, int rows)
    {
        var t = new Tombstones();
        var bytes = File.ReadAllBytes(path);
        var bits = MemoryMarshal.Cast<byte, ulong>(bytes.AsSpan(0, bytes.Length / 8 * 8));
        for (int row = 0; row < rows && (row >> 6) < bits.Length; row++)
        {
            if ((bits[row >> 6] & (1UL << (row & 63))) != 0)
            {
                t.Delete(row);
            }
        }

        return t;
    }

    public void Write(string path, int rows)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        var words = new ulong[(rows + 63) / 64];
        _bits.AsSpan(0, Math.Min(_bits.Length, words.Length)).CopyTo(words);
        stream.Write(MemoryMarshal.AsBytes(words.AsSpan()));
        stream.Flush(flushToDisk: true);
    }
}

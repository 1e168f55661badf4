using System.Numerics.Tensors;

namespace Multimodal.Sdk;

/// <summary>
/// The default <see cref="IRetrievalStore"/>: no server, in memory or in a folder (docs/retrieval.md, "Folder format").
/// Exact search over float32 vectors, or over int8 vectors with exact rescoring of the best candidates, and HNSW
/// (USearch) above <see cref="EmbeddedRetrievalStoreOptions.ApproximateThreshold"/> records. A folder is crash-safe:
/// every acknowledged batch is in an fsynced, checksummed log before the call returns; checkpoints fold the log into
/// memory-mapped column files so opening is fast at any size.
/// </summary>
/// <remarks>
/// Safe for concurrent use: any number of searches run while a batch is written (they see each record before or after
/// it). A folder has one writer (a lock file; a second writer gets <see cref="RetrievalIndexLockedException"/>) and
/// any number of read-only readers, which see the index as of their open.
/// </remarks>
public sealed class EmbeddedRetrievalStore : IRetrievalStore
{
    private const int ScanChunkRows = 1 << 16;

    private readonly EmbeddedRetrievalStoreOptions _options;
    private readonly ReaderWriterLockSlim _state = new(LockRecursionPolicy.NoRecursion);
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly Lock _mapsGate = new();
    private readonly FileStream? _lockFile;
    private readonly bool _int8;

    private IndexManifest _manifest;
    private SnapshotColumns? _snapshot;
    private TailColumns _tail;
    private Tombstones _deleted = new();
    private HnswGraph? _hnsw;
    private RecordLog? _log;
    private Dictionary<string, int>? _ids;
    private Dictionary<string, int>? _hashHeads;
    private List<int> _hashNext = [];
    private bool _disposed;

    private EmbeddedRetrievalStore(string? directory, EmbeddedRetrievalStoreOptions options, IndexManifest manifest, FileStream? lockFile)
    {
        DirectoryPath = directory;
        _options = options;
        _manifest = manifest;
        _lockFile = lockFile;
        _int8 = manifest.Encoding == "int8";
        Dimension = manifest.Dimension;
        _tail = new TailColumns(Dimension, _int8);
    }

    /// <summary>Gets the index folder, or <see langword="null"/> for an in-memory store.</summary>
    public string? DirectoryPath { get; }

    /// <summary>Gets the embedding length, or 0 while the store is empty and was created without one.</summary>
    public int Dimension { get; private set; }

    /// <summary>Gets the encoding the index scans.</summary>
    public RetrievalVectorEncoding Encoding => _int8 ? RetrievalVectorEncoding.Int8 : RetrievalVectorEncoding.Float32;

    private int TotalRows => (_snapshot?.Rows ?? 0) + _tail.Count;

    private int SnapshotRows => _snapshot?.Rows ?? 0;

    /// <summary>Opens (or creates) an index folder.</summary>
    /// <param name="directory">The folder; created when missing (unless read-only).</param>
    /// <param name="options">Encoding, search algorithm and read-only mode; <see langword="null"/> for the defaults.</param>
    /// <returns>The store; dispose it to checkpoint and release the writer lock.</returns>
    /// <exception cref="RetrievalIndexLockedException">Another writer has the folder open.</exception>
    /// <exception cref="RetrievalIndexFormatException">The folder holds an index this version cannot read, of another dimension than <see cref="EmbeddedRetrievalStoreOptions.Dimension"/>, or a damaged snapshot.</exception>
    /// <exception cref="DirectoryNotFoundException">A read-only open of a folder that does not exist.</exception>
    public static EmbeddedRetrievalStore Open(string directory, EmbeddedRetrievalStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        options = options?.Clone() ?? new EmbeddedRetrievalStoreOptions();
        options.Validate();
        directory = Path.GetFullPath(directory);
        FileStream? lockFile = null;
        if (options.ReadOnly)
        {
            if (!Directory.Exists(directory))
            {
                throw new DirectoryNotFoundException($"Index folder '{directory}' does not exist.");
            }
        }
        else
        {
            Directory.CreateDirectory(directory);
            lockFile = TakeWriterLock(directory);
        }

        EmbeddedRetrievalStore? store = null;
        try
        {
            var manifest = IndexManifest.Read(directory);
            if (manifest is null)
            {
                manifest = new IndexManifest { Dimension = options.Dimension, Encoding = options.Encoding == RetrievalVectorEncoding.Int8 ? "int8" : "float32" };
                if (!options.ReadOnly)
                {
                    manifest.Write(directory);
                }
            }
            else if (options.Dimension != 0 && manifest.Dimension != 0 && options.Dimension != manifest.Dimension)
            {
                throw new RetrievalIndexFormatException($"Index '{directory}' has dimension {manifest.Dimension}, not the {options.Dimension} asked for.");
            }

            store = new EmbeddedRetrievalStore(directory, options, manifest, lockFile);
            store.Load();
            return store;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ArgumentOutOfRangeException)
        {
            store?.Dispose();
            lockFile?.Dispose();
            throw new RetrievalIndexFormatException($"Index '{directory}' is damaged: {e.Message}", e);
        }
        catch
        {
            if (store is null)
            {
                lockFile?.Dispose();
            }
            else
            {
                store.Dispose();
            }

            throw;
        }
    }

    /// <summary>Creates an empty store that lives in memory only.</summary>
    /// <param name="options">Encoding, search algorithm and dimension; <see langword="null"/> for the defaults.</param>
    /// <returns>The store.</returns>
    public static EmbeddedRetrievalStore CreateInMemory(EmbeddedRetrievalStoreOptions? options = null)
    {
        options = options?.Clone() ?? new EmbeddedRetrievalStoreOptions();
        options.Validate();
        var manifest = new IndexManifest { Dimension = options.Dimension, Encoding = options.Encoding == RetrievalVectorEncoding.Int8 ? "int8" : "float32" };
        var store = new EmbeddedRetrievalStore(null, options, manifest, null);
        store.EnsureMaps();
        return store;
    }

    /// <inheritdoc/>
    public async Task UpsertAsync(IReadOnlyList<RetrievalRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        CheckWritable();
        if (records.Count == 0)
        {
            return;
        }

        int dim = Dimension != 0 ? Dimension : records[0]?.Embedding.Length ?? 0;
        var prepared = new List<(StoredRecord Record, float[] Vector)>(records.Count);
        foreach (var r in records)
        {
            ArgumentNullException.ThrowIfNull(r, nameof(records));
            if (r.Embedding.Length != dim)
            {
                throw new ArgumentException($"Record '{r.Id}' has an embedding of length {r.Embedding.Length}; the store's dimension is {dim}.", nameof(records));
            }

            var v = r.Embedding.ToArray();
            float norm = TensorPrimitives.Norm(v);
            if (!float.IsFinite(norm) || norm == 0)
            {
                throw new ArgumentException($"Record '{r.Id}' has a zero or non-finite embedding.", nameof(records));
            }

            TensorPrimitives.Divide(v, norm, v);
            prepared.Add((StoredRecord.From(r), v));
        }

        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (Dimension != 0 && dim != Dimension)
            {
                throw new ArgumentException($"The records have embeddings of length {dim}; the store's dimension is {Dimension}.", nameof(records));
            }

            EnsureMaps();
            _log?.AppendUpserts(prepared);
            _state.EnterWriteLock();
            try
            {
                ApplyUpserts(prepared);
            }
            finally
            {
                _state.ExitWriteLock();
            }

            if (_log is not null && _log.Length >= _options.CheckpointBytes)
            {
                Checkpoint();
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<int> DeleteAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        CheckWritable();
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            EnsureMaps();
            var present = ids.Where(id => id is not null && _ids!.ContainsKey(id)).Distinct(StringComparer.Ordinal).ToList();
            if (present.Count == 0)
            {
                return 0;
            }

            _log?.AppendDeletes(present);
            _state.EnterWriteLock();
            try
            {
                return ApplyDeletes(present);
            }
            finally
            {
                _state.ExitWriteLock();
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <inheritdoc/>
    public Task<RetrievalRecord?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return Task.FromResult(ReadRecords(() => _ids!.TryGetValue(id, out int row) ? RecordAt(row) : null));
    }

    /// <inheritdoc/>
    /// <remarks>Reads every record under one lock: the records are one consistent state of the store.</remarks>
    public Task<IReadOnlyList<RetrievalRecord>> GetAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return Task.FromResult<IReadOnlyList<RetrievalRecord>>(ReadRecords(() =>
        {
            var found = new List<RetrievalRecord>(ids.Count);
            foreach (string id in ids.Distinct(StringComparer.Ordinal))
            {
                ArgumentNullException.ThrowIfNull(id, nameof(ids));
                if (_ids!.TryGetValue(id, out int row))
                {
                    found.Add(RecordAt(row));
                }
            }

            return found;
        }));
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<RetrievalRecord>> GetByContentHashAsync(IReadOnlyCollection<string> contentHashes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contentHashes);
        return Task.FromResult<IReadOnlyList<RetrievalRecord>>(ReadRecords(() =>
        {
            var found = new List<RetrievalRecord>();
            foreach (var hash in contentHashes.Distinct(StringComparer.Ordinal))
            {
                if (hash is null || !_hashHeads!.TryGetValue(hash, out int row))
                {
                    continue;
                }

                for (; row >= 0; row = _hashNext[row])
                {
                    if (!_deleted.IsDeleted(row))
                    {
                        found.Add(RecordAt(row));
                    }
                }
            }

            return found;
        }));
    }

    /// <summary>Runs a read of records under the read lock, the id and hash maps built first; fails once the store is disposed.</summary>
    private T ReadRecords<T>(Func<T> read)
    {
        EnsureMaps();
        _state.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return read();
        }
        finally
        {
            _state.ExitReadLock();
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<RetrievalHit>> SearchAsync(ReadOnlyMemory<float> query, RetrievalSearchOptions? options = null, CancellationToken cancellationToken = default)
        => Task.FromResult(Search([query], options ?? new RetrievalSearchOptions(), cancellationToken)[0]);

    /// <summary>
    /// Searches several queries in one pass over the vectors (exact float32 search reads each block of rows once for
    /// all queries, so a batch costs little more memory traffic than one query).
    /// </summary>
    /// <param name="queries">The query embeddings, each of the store's dimension.</param>
    /// <param name="options">Top-k and filters; <see langword="null"/> for the top 10 of everything.</param>
    /// <param name="cancellationToken">Checked between chunks of rows.</param>
    /// <returns>One hit list per query, best first.</returns>
    /// <exception cref="ArgumentException">A query's length is not the store's dimension.</exception>
    public Task<IReadOnlyList<IReadOnlyList<RetrievalHit>>> SearchAsync(IReadOnlyList<ReadOnlyMemory<float>> queries, RetrievalSearchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        return Task.FromResult(Search(queries, options ?? new RetrievalSearchOptions(), cancellationToken));
    }

    /// <inheritdoc/>
    public Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        _state.EnterReadLock();
        try
        {
            return Task.FromResult((long)(TotalRows - _deleted.Count));
        }
        finally
        {
            _state.ExitReadLock();
        }
    }

    /// <summary>
    /// Folds the log into the column files (a checkpoint) and, when the search algorithm calls for it, brings the HNSW
    /// graph up to date with every row. Acknowledged writes are durable without it.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait for the writer.</param>
    /// <returns>A task that completes when the files are written.</returns>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        if (DirectoryPath is null || _options.ReadOnly)
        {
            return;
        }

        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Checkpoint();
            if (WantsHnsw(TotalRows - _deleted.Count) && (_hnsw?.Rows ?? 0) < SnapshotRows)
            {
                BuildHnsw();
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(RetrievalStoreInfo))
        {
            _state.EnterReadLock();
            try
            {
                long count = TotalRows - _deleted.Count;
                string mode = UsesHnsw(count) ? "hnsw" : _int8 ? "exact-int8" : "exact";
                return new RetrievalStoreInfo("embedded", DirectoryPath ?? "memory", Dimension, count, mode);
            }
            finally
            {
                _state.ExitReadLock();
            }
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Checkpoints (a writer with unfolded rows), then releases the files and the writer lock.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _writer.Wait();
        try
        {
            if (_log is not null && _log.Length > RecordLog.Header.Length)
            {
                try
                {
                    Checkpoint();
                }
                catch (IOException)
                {
                    // The log still holds every acknowledged batch; the next open replays it.
                }
            }

            _state.EnterWriteLock();
            try
            {
                _disposed = true;
                _log?.Dispose();
                _hnsw?.Dispose();
                _snapshot?.Dispose();
                _lockFile?.Dispose();
            }
            finally
            {
                _state.ExitWriteLock();
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    private static FileStream TakeWriterLock(string directory)
    {
        string path = Path.Combine(directory, ColumnFiles.Lock);
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            stream.Write(System.Text.Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n"));
            stream.Flush();
            return stream;
        }
        catch (IOException e)
        {
            throw new RetrievalIndexLockedException($"Index '{directory}' is open for writing by another store ({path} is locked): open it read-only to search it, or close the other writer.", e);
        }
    }

    private void CheckWritable()
    {
        if (_options.ReadOnly)
        {
            throw new InvalidOperationException($"Index '{DirectoryPath}' was opened read-only.");
        }
    }

    private void Load()
    {
        string dir = DirectoryPath!;
        if (_manifest.Rows > 0)
        {
            _snapshot = SnapshotColumns.Open(dir, _manifest);
        }

        if (_manifest.Tombstones is { } tombstones)
        {
            _deleted = Tombstones.Read(Path.Combine(dir, tombstones), _manifest.Rows);
        }

        if (_manifest.Hnsw is { } hnsw && File.Exists(Path.Combine(dir, hnsw)))
        {
            _hnsw = HnswGraph.View(Path.Combine(dir, hnsw), _manifest.HnswRows);
        }

        string logPath = Path.Combine(dir, _manifest.Log);
        var entries = RecordLog.ReadAll(logPath, out long valid);
        if (entries.Count > 0)
        {
            EnsureMaps();
            foreach (var entry in entries)
            {
                if (entry.Upserts is { } upserts)
                {
                    ApplyUpserts(upserts);
                }
                else
                {
                    ApplyDeletes(entry.Deletes!);
                }
            }
        }

        if (!_options.ReadOnly)
        {
            RemoveStrayFiles(dir);
            _log = RecordLog.OpenForAppend(logPath, valid);
        }
    }

    private void RemoveStrayFiles(string dir)
    {
        var keep = new HashSet<string>(StringComparer.Ordinal) { _manifest.Log };
        if (_manifest.Tombstones is { } t)
        {
            keep.Add(t);
        }

        if (_manifest.Hnsw is { } h)
        {
            keep.Add(h);
        }

        foreach (var path in Directory.EnumerateFiles(dir))
        {
            string name = Path.GetFileName(path);
            bool generational = name.StartsWith("log-", StringComparison.Ordinal) || name.StartsWith("tombstones-", StringComparison.Ordinal) || name.StartsWith("hnsw-", StringComparison.Ordinal);
            if ((generational && !keep.Contains(name)) || name.EndsWith(".tmp", StringComparison.Ordinal))
            {
                File.Delete(path);
            }
        }
    }

    private void ApplyUpserts(IReadOnlyList<(StoredRecord Record, float[] Vector)> upserts)
    {
        if (Dimension == 0)
        {
            Dimension = upserts[0].Vector.Length;
            _tail = new TailColumns(Dimension, _int8);
        }

        foreach (var (record, vector) in upserts)
        {
            if (_ids!.TryGetValue(record.Id, out int old))
            {
                _deleted.Delete(old);
            }

            int row = TotalRows;
            _tail.Add(record, vector);
            _ids[record.Id] = row;
            _hashNext.Add(_hashHeads!.TryGetValue(record.ContentHash, out int head) ? head : -1);
            _hashHeads[record.ContentHash] = row;
        }
    }

    private int ApplyDeletes(IReadOnlyList<string> ids)
    {
        int deleted = 0;
        foreach (var id in ids)
        {
            if (_ids!.Remove(id, out int row) && _deleted.Delete(row))
            {
                deleted++;
            }
        }

        return deleted;
    }

    /// <summary>Builds the id and content-hash maps on first need (a search-only reader of a large index never pays for them).</summary>
    private void EnsureMaps()
    {
        if (_ids is not null)
        {
            return;
        }

        lock (_mapsGate)
        {
            if (_ids is not null)
            {
                return;
            }

            _state.EnterReadLock();
            try
            {
                BuildMaps();
            }
            finally
            {
                _state.ExitReadLock();
            }
        }
    }

    private void BuildMaps()
    {
        int rows = TotalRows;
        var ids = new Dictionary<string, int>(rows, StringComparer.Ordinal);
        var heads = new Dictionary<string, int>(rows, StringComparer.Ordinal);
        var next = new List<int>(rows);
        for (int row = 0; row < rows; row++)
        {
            var (id, hash) = row < SnapshotRows ? RecordCodec.ReadKeys(_snapshot!.RecordBytes(row)) : (_tail.Records[row - SnapshotRows].Id, _tail.Records[row - SnapshotRows].ContentHash);
            next.Add(heads.TryGetValue(hash, out int head) ? head : -1);
            heads[hash] = row;
            if (!_deleted.IsDeleted(row))
            {
                ids[id] = row;
            }
        }

        _hashHeads = heads;
        _hashNext = next;
        _ids = ids;
    }

    private StoredRecord StoredAt(int row) => row < SnapshotRows ? _snapshot!.Record(row) : _tail.Records[row - SnapshotRows];

    private ReadOnlySpan<float> VectorAt(int row) => row < SnapshotRows ? _snapshot!.Vector(row) : _tail.Vector(row - SnapshotRows);

    private byte ModalityAt(int row) => row < SnapshotRows ? _snapshot!.Modality(row) : _tail.Modality(row - SnapshotRows);

    private RetrievalRecord RecordAt(int row) => StoredAt(row).ToRecord(VectorAt(row).ToArray());

    private bool WantsHnsw(long liveRows) => _options.SearchAlgorithm switch
    {
        RetrievalSearchAlgorithm.Hnsw => true,
        RetrievalSearchAlgorithm.Exact => false,
        _ => liveRows >= _options.ApproximateThreshold,
    };

    private bool UsesHnsw(long liveRows) => _hnsw is not null && WantsHnsw(liveRows);

    private IReadOnlyList<IReadOnlyList<RetrievalHit>> Search(IReadOnlyList<ReadOnlyMemory<float>> queries, RetrievalSearchOptions options, CancellationToken cancellationToken)
    {
        _state.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var results = new IReadOnlyList<RetrievalHit>[queries.Count];
            if (TotalRows == 0 || queries.Count == 0)
            {
                Array.Fill(results, Array.Empty<RetrievalHit>());
                return results;
            }

            int dim = Dimension;
            var normalized = new float[queries.Count * dim];
            for (int q = 0; q < queries.Count; q++)
            {
                if (queries[q].Length != dim)
                {
                    throw new ArgumentException($"Query {q} has length {queries[q].Length}; the store's dimension is {dim}.", nameof(queries));
                }

                var target = normalized.AsSpan(q * dim, dim);
                float norm = TensorPrimitives.Norm(queries[q].Span);
                TensorPrimitives.Divide(queries[q].Span, norm > 0 ? norm : 1f, target);
            }

            Func<int, bool> accept = Acceptor(options);
            long live = TotalRows - _deleted.Count;
            TopK[] heaps;
            if (UsesHnsw(live))
            {
                heaps = new TopK[queries.Count];
                for (int q = 0; q < queries.Count; q++)
                {
                    heaps[q] = SearchHnsw(normalized.AsSpan(q * dim, dim), options, accept, cancellationToken);
                }
            }
            else if (_int8)
            {
                heaps = new TopK[queries.Count];
                for (int q = 0; q < queries.Count; q++)
                {
                    heaps[q] = SearchInt8(normalized.AsSpan(q * dim, dim), options.Top, accept, cancellationToken);
                }
            }
            else
            {
                heaps = SearchFloat(normalized, dim, options.Top, 0, TotalRows, accept, cancellationToken);
            }

            for (int q = 0; q < queries.Count; q++)
            {
                results[q] = heaps[q].ToSorted().Select(h => new RetrievalHit(RecordAt(h.Row), h.Score)).ToList();
            }

            return results;
        }
        finally
        {
            _state.ExitReadLock();
        }
    }

    private Func<int, bool> Acceptor(RetrievalSearchOptions options)
    {
        var modality = options.Modality;
        var meta = options.MetadataEquals;
        if (modality is null && meta.Count == 0)
        {
            return row => !_deleted.IsDeleted(row);
        }

        return row => !_deleted.IsDeleted(row)
            && (modality is null || ModalityAt(row) == (byte)modality.Value)
            && (meta.Count == 0 || StoredAt(row).MatchesMetadata(meta));
    }

    /// <summary>Exact float32 search of rows [from, to) for every query.</summary>
    private TopK[] SearchFloat(float[] queries, int dim, int top, int from, int to, Func<int, bool> accept, CancellationToken cancellationToken)
    {
        int count = queries.Length / dim;
        var heaps = new TopK[count];
        for (int q = 0; q < count; q++)
        {
            heaps[q] = new TopK(top);
        }

        ForEachChunk(from, to, cancellationToken, (rows, rowBase) =>
        {
            if (count == 1)
            {
                VectorKernels.ScanFloat(queries, rows, rowBase, heaps[0], accept);
            }
            else
            {
                VectorKernels.ScanFloatBatch(queries, dim, rows, rowBase, heaps, accept);
            }
        });
        return heaps;
    }

    private void ForEachChunk(int from, int to, CancellationToken cancellationToken, ScanChunk scan)
    {
        int snapshotEnd = Math.Min(to, SnapshotRows);
        for (int start = from; start < snapshotEnd; start += ScanChunkRows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(ScanChunkRows, snapshotEnd - start);
            scan(_snapshot!.Vectors(start, n), start);
        }

        int tailFrom = Math.Max(from, SnapshotRows) - SnapshotRows, tailTo = to - SnapshotRows;
        if (tailTo > tailFrom)
        {
            scan(_tail.Vectors.Slice(tailFrom * Dimension, (tailTo - tailFrom) * Dimension), SnapshotRows + tailFrom);
        }
    }

    private TopK SearchInt8(ReadOnlySpan<float> query, int top, Func<int, bool> accept, CancellationToken cancellationToken)
    {
        var q8 = new sbyte[query.Length];
        float qScale = VectorKernels.Quantize(query, q8);
        var candidates = new TopK(top * _options.RescoreFactor);
        for (int start = 0; start < SnapshotRows; start += ScanChunkRows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(ScanChunkRows, SnapshotRows - start);
            VectorKernels.ScanInt8(q8, qScale, _snapshot!.Quantized(start, n), _snapshot.Scales(start, n), start, candidates, accept);
        }

        VectorKernels.ScanInt8(q8, qScale, _tail.Quantized, _tail.Scales, SnapshotRows, candidates, accept);
        return Rescore(query, top, candidates.ToSorted().Select(c => c.Row));
    }

    private TopK Rescore(ReadOnlySpan<float> query, int top, IEnumerable<int> rows)
    {
        var heap = new TopK(top);
        foreach (int row in rows.Order())
        {
            heap.Offer(TensorPrimitives.Dot(query, VectorAt(row)), row);
        }

        return heap;
    }

    private TopK SearchHnsw(ReadOnlySpan<float> query, RetrievalSearchOptions options, Func<int, bool> accept, CancellationToken cancellationToken)
    {
        var graph = _hnsw!;
        // Deleted and filtered-out rows come back from the graph too: ask for more, and fall back to an exact scan of
        // the covered rows when a selective filter leaves too few.
        int k = Math.Max(options.HasFilter ? Math.Max(options.Top * 16, 256) : options.Top * 4, _options.HnswExpansionSearch);
        int found = graph.Search(query.ToArray(), Math.Min(k, graph.Rows), out var keys);
        var candidates = new List<int>(found);
        for (int i = 0; i < found; i++)
        {
            int row = (int)keys[i];
            if (row < graph.Rows && accept(row))
            {
                candidates.Add(row);
            }
        }

        TopK heap;
        if (candidates.Count < Math.Min(options.Top, graph.Rows))
        {
            heap = SearchFloat(query.ToArray(), query.Length, options.Top, 0, graph.Rows, accept, cancellationToken)[0];
        }
        else
        {
            heap = Rescore(query, options.Top, candidates);
        }

        // Rows added after the graph was built are scanned exactly and merged.
        if (graph.Rows < TotalRows)
        {
            var rest = SearchFloat(query.ToArray(), query.Length, options.Top, graph.Rows, TotalRows, accept, cancellationToken)[0];
            foreach (var (score, row) in rest.ToSorted())
            {
                heap.Offer(score, row);
            }
        }

        return heap;
    }

    /// <summary>
    /// Folds the tail into the column files: truncate each to its committed length (dropping what a crashed checkpoint
    /// left), append, fsync; write the tombstones and an empty log of the next generation; then commit by replacing the
    /// manifest. Readers of the old manifest keep a consistent view: they map only the rows it names.
    /// </summary>
    private void Checkpoint()
    {
        if (DirectoryPath is null || _log is null)
        {
            return;
        }

        string dir = DirectoryPath;
        int oldRows = SnapshotRows, tailRows = _tail.Count, newRows = oldRows + tailRows;
        long generation = _manifest.Generation + 1;
        long recordsBytes = _manifest.RecordsBytes;
        if (tailRows > 0)
        {
            int dim = Dimension;
            var offsets = new long[tailRows];
            using (var records = OpenColumn(dir, ColumnFiles.Records, recordsBytes))
            using (var writer = new BinaryWriter(records, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                for (int i = 0; i < tailRows; i++)
                {
                    offsets[i] = records.Position;
                    RecordCodec.Write(writer, _tail.Records[i]);
                }

                writer.Flush();
                recordsBytes = records.Position;
                records.Flush(flushToDisk: true);
            }

            AppendColumn(dir, ColumnFiles.RecordIndex, (long)oldRows * sizeof(long), System.Runtime.InteropServices.MemoryMarshal.AsBytes(offsets.AsSpan()));
            AppendColumn(dir, ColumnFiles.Vectors, (long)oldRows * dim * sizeof(float), System.Runtime.InteropServices.MemoryMarshal.AsBytes(_tail.Vectors));
            var modalities = new byte[tailRows];
            for (int i = 0; i < tailRows; i++)
            {
                modalities[i] = _tail.Modality(i);
            }

            AppendColumn(dir, ColumnFiles.Modalities, oldRows, modalities);
            if (_int8)
            {
                AppendColumn(dir, ColumnFiles.Quantized, (long)oldRows * dim, System.Runtime.InteropServices.MemoryMarshal.AsBytes(_tail.Quantized));
                AppendColumn(dir, ColumnFiles.Scales, (long)oldRows * sizeof(float), System.Runtime.InteropServices.MemoryMarshal.AsBytes(_tail.Scales));
            }
        }

        string? tombstones = null;
        if (_deleted.Count > 0)
        {
            tombstones = $"tombstones-{generation}.bin";
            _deleted.Write(Path.Combine(dir, tombstones), newRows);
        }

        string log = $"log-{generation}.bin";
        var newLog = RecordLog.OpenForAppend(Path.Combine(dir, log), 0);
        var manifest = _manifest with
        {
            Dimension = Dimension,
            Generation = generation,
            Rows = newRows,
            RecordsBytes = recordsBytes,
            Tombstones = tombstones,
            Log = log,
        };
        try
        {
            manifest.Write(dir);
        }
        catch
        {
            newLog.Dispose();
            throw;
        }

        var old = _manifest;
        var snapshot = newRows > 0 ? SnapshotColumns.Open(dir, manifest) : null;
        _state.EnterWriteLock();
        try
        {
            _snapshot?.Dispose();
            _snapshot = snapshot;
            _tail = new TailColumns(Dimension, _int8);
            _log.Dispose();
            _log = newLog;
            _manifest = manifest;
        }
        finally
        {
            _state.ExitWriteLock();
        }

        TryDelete(Path.Combine(dir, old.Log));
        if (old.Tombstones is { } t && t != tombstones)
        {
            TryDelete(Path.Combine(dir, t));
        }
    }

    private void BuildHnsw()
    {
        string dir = DirectoryPath!;
        int rows = SnapshotRows;
        string name = $"hnsw-{_manifest.Generation}-{rows}.usearch";
        string? previous = _hnsw is not null && _manifest.Hnsw is { } p ? Path.Combine(dir, p) : null;
        int from = previous is null ? 0 : _hnsw!.Rows;
        var graph = HnswGraph.Build(Path.Combine(dir, name), previous, Dimension, _options, from, rows, row => _deleted.IsDeleted(row) ? null : VectorAt(row).ToArray());
        var manifest = _manifest with { Hnsw = name, HnswRows = rows };
        manifest.Write(dir);
        var old = _hnsw;
        _state.EnterWriteLock();
        try
        {
            _hnsw = graph;
            _manifest = manifest;
        }
        finally
        {
            _state.ExitWriteLock();
        }

        old?.Dispose();
        if (previous is not null)
        {
            TryDelete(previous);
        }
    }

    private static FileStream OpenColumn(string dir, string name, long committedLength)
    {
        var stream = new FileStream(Path.Combine(dir, name), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length != committedLength)
        {
            stream.SetLength(committedLength);
        }

        stream.Seek(committedLength, SeekOrigin.Begin);
        return stream;
    }

    private static void AppendColumn(string dir, string name, long committedLength, ReadOnlySpan<byte> data)
    {
        using var stream = OpenColumn(dir, name, committedLength);
        stream.Write(data);
        stream.Flush(flushToDisk: true);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Left for the next writer's open to remove.
        }
    }

    private delegate void ScanChunk(ReadOnlySpan<float> rows, int rowBase);
}

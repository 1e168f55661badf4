using System.Globalization;
using System.Numerics.Tensors;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Pgvector;

namespace Multimodal.Sdk;

/// <summary>
/// A retrieval store in PostgreSQL with the pgvector extension: one table (<c>id text primary key, modality, source,
/// content_hash, metadata jsonb, embedding vector(N)</c>) with an HNSW index over cosine distance
/// (<c>vector_cosine_ops</c>). The retriever runs over it unchanged; scale it out as PostgreSQL scales (read replicas,
/// Citus), see docs/retrieval.md.
/// </summary>
/// <remarks>
/// Safe for concurrent use: every call takes its own pooled connection, and each upsert is one transaction, so a search
/// sees a batch entirely or not at all. The table and its indexes are created on first use (the dimension comes from
/// <see cref="PostgresRetrievalStoreOptions.Dimension"/>, an existing table or the first upsert). Needs pgvector 0.8 or
/// later (iterative index scans keep filtered searches complete). Server errors surface as <see cref="NpgsqlException"/>.
/// </remarks>
public sealed class PostgresRetrievalStore : IRetrievalStore, IAsyncDisposable
{
    private const string Columns = "id, modality, source, content_hash, metadata::text, embedding, seq";

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresRetrievalStoreOptions _options;
    private readonly string _table;
    private readonly string _tableName;
    private readonly string _location;
    private readonly SemaphoreSlim _schemaLock = new(1, 1);
    private volatile bool _connected;
    private volatile bool _tableKnown;
    private bool _copySupported;
    private int _dimension;
    private bool _disposed;

    /// <summary>Creates a store over the server and table the options name; nothing is sent until the first call.</summary>
    /// <param name="options">The settings; copied, later changes do not apply.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><see cref="PostgresRetrievalStoreOptions.ConnectionString"/> is missing or malformed.</exception>
    public PostgresRetrievalStore(PostgresRetrievalStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException($"{nameof(PostgresRetrievalStoreOptions)}.{nameof(PostgresRetrievalStoreOptions.ConnectionString)} is required.", nameof(options));
        }

        _options = options.Clone();
        var (connectionString, table) = PostgresSql.ParseConnectionString(options.ConnectionString);
        if (table is not null)
        {
            _options.TableName = table;
        }

        _tableName = _options.TableName;
        _table = _options.Schema is { } schema ? $"\"{schema}\".\"{_tableName}\"" : $"\"{_tableName}\"";
        _location = PostgresSql.Describe(connectionString, _options.Schema is null ? _tableName : $"{_options.Schema}.{_tableName}");
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseVector();
        _dataSource = builder.Build();
        _dimension = _options.Dimension ?? 0;
    }

    /// <summary>Gets where the store is: host, port, database and table (never the password).</summary>
    public string Location => _location;

    /// <summary>Gets the embedding length, or 0 while no table exists and none was configured.</summary>
    public int Dimension => Volatile.Read(ref _dimension);

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="records"/> is <see langword="null"/> or holds <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An embedding's length is not the store's dimension, or two records share an id.</exception>
    /// <exception cref="NpgsqlException">The server failed the batch; nothing of it was written.</exception>
    public async Task UpsertAsync(IReadOnlyList<RetrievalRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (records.Count == 0)
        {
            return;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in records)
        {
            ArgumentNullException.ThrowIfNull(r, nameof(records));
            if (!ids.Add(r.Id))
            {
                throw new ArgumentException($"Two records in the batch have the id '{r.Id}'.", nameof(records));
            }
        }

        int dimension = await EnsureTableAsync(records[0].Embedding.Length, cancellationToken).ConfigureAwait(false);
        foreach (var r in records)
        {
            if (r.Embedding.Length != dimension)
            {
                throw new ArgumentException($"Record '{r.Id}' has an embedding of length {r.Embedding.Length}; the table {_tableName} holds vector({dimension}).", nameof(records));
            }
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (UseCopy())
        {
            await CopyUpsertAsync(connection, records, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            for (int start = 0; start < records.Count; start += _options.InsertBatchSize)
            {
                int count = Math.Min(_options.InsertBatchSize, records.Count - start);
                await BatchedUpsertAsync(connection, records, start, count, cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="ids"/> is <see langword="null"/>.</exception>
    public async Task<int> DeleteAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (ids.Count == 0 || !await TableExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }

        await using var command = _dataSource.CreateCommand($"DELETE FROM {_table} WHERE id = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> is <see langword="null"/>.</exception>
    public async Task<RetrievalRecord?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!await TableExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        await using var command = _dataSource.CreateCommand($"SELECT {Columns} FROM {_table} WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        var found = await ReadRecordsAsync(command, cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0].Record;
    }

    /// <inheritdoc/>
    /// <remarks>One query (<c>id = ANY($1)</c>, served by the primary key).</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="ids"/> is <see langword="null"/> or holds <see langword="null"/>.</exception>
    public async Task<IReadOnlyList<RetrievalRecord>> GetAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var distinct = ids.Distinct(StringComparer.Ordinal).ToArray();
        foreach (string id in distinct)
        {
            ArgumentNullException.ThrowIfNull(id, nameof(ids));
        }

        if (distinct.Length == 0 || !await TableExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return [];
        }

        await using var command = _dataSource.CreateCommand($"SELECT {Columns} FROM {_table} WHERE id = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = distinct, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        var found = await ReadRecordsAsync(command, cancellationToken).ConfigureAwait(false);
        return found.Select(f => f.Record).ToList();
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="contentHashes"/> is <see langword="null"/>.</exception>
    public async Task<IReadOnlyList<RetrievalRecord>> GetByContentHashAsync(IReadOnlyCollection<string> contentHashes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contentHashes);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (contentHashes.Count == 0 || !await TableExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return [];
        }

        await using var command = _dataSource.CreateCommand($"SELECT {Columns} FROM {_table} WHERE content_hash = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = contentHashes.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        var found = await ReadRecordsAsync(command, cancellationToken).ConfigureAwait(false);
        return found.Select(f => f.Record).ToList();
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The query's length is not the store's dimension.</exception>
    public async Task<IReadOnlyList<RetrievalHit>> SearchAsync(ReadOnlyMemory<float> query, RetrievalSearchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        options ??= new RetrievalSearchOptions();
        if (query.IsEmpty)
        {
            throw new ArgumentException("The query embedding is empty.", nameof(query));
        }

        if (!await TableExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return [];
        }

        int dimension = Dimension;
        if (query.Length != dimension)
        {
            throw new ArgumentException($"The query has length {query.Length}; the table {_tableName} holds vector({dimension}).", nameof(query));
        }

        var sql = new StringBuilder($"SELECT {Columns}, embedding <=> $1 AS distance FROM {_table}");
        var parameters = new List<NpgsqlParameter> { new() { Value = new Vector(query) } };
        string where = " WHERE ";
        if (options.Modality is { } modality)
        {
            parameters.Add(new NpgsqlParameter { Value = (short)modality });
            sql.Append(where).Append(CultureInfo.InvariantCulture, $"modality = ${parameters.Count}");
            where = " AND ";
        }

        foreach (var (key, value) in options.MetadataEquals)
        {
            parameters.Add(new NpgsqlParameter { Value = key });
            parameters.Add(new NpgsqlParameter { Value = value });
            sql.Append(where).Append(CultureInfo.InvariantCulture, $"metadata ->> ${parameters.Count - 1} = ${parameters.Count}");
            where = " AND ";
        }

        // The HNSW index serves only "ORDER BY embedding <=> $1 LIMIT k"; exact mode adds the insertion order as a tie-break
        // and turns index scans off, so it ranks every matching row.
        sql.Append(_options.ExactSearch ? " ORDER BY embedding <=> $1, seq" : " ORDER BY embedding <=> $1");
        sql.Append(CultureInfo.InvariantCulture, $" LIMIT {options.Top}");

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        string settings = _options.ExactSearch
            ? "SET LOCAL enable_indexscan = off"
            : string.Create(CultureInfo.InvariantCulture, $"SET LOCAL hnsw.ef_search = {Math.Clamp(Math.Max(_options.EfSearch, options.Top), 1, 1000)}")
              + (options.HasFilter ? "; SET LOCAL hnsw.iterative_scan = strict_order" : string.Empty);
        await using (var set = new NpgsqlCommand(settings, connection, transaction))
        {
            await set.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var command = new NpgsqlCommand(sql.ToString(), connection, transaction);
        command.Parameters.AddRange(parameters.ToArray());
        var rows = await ReadRecordsAsync(command, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

        // Ties by insertion order, as every store orders them (the index returns equal distances in graph order).
        return rows.OrderBy(r => r.Distance).ThenBy(r => r.Seq)
            .Select(r => new RetrievalHit(r.Record, (float)(1.0 - r.Distance)))
            .ToList();
    }

    /// <inheritdoc/>
    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!await TableExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }

        await using var command = _dataSource.CreateCommand($"SELECT count(*) FROM {_table}");
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Does nothing: a committed upsert is already durable in PostgreSQL, and the HNSW index is maintained on insert.</summary>
    /// <param name="cancellationToken">Unused.</param>
    /// <returns>A completed task.</returns>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Offers <see cref="RetrievalStoreInfo"/> (one count query, run synchronously), the store itself and its
    /// <see cref="NpgsqlDataSource"/>.
    /// </summary>
    /// <param name="serviceType">The type asked for.</param>
    /// <param name="serviceKey">An optional key; none is supported.</param>
    /// <returns>The service, or <see langword="null"/>.</returns>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(RetrievalStoreInfo))
        {
            long count = CountAsync().GetAwaiter().GetResult();
            return new RetrievalStoreInfo("postgres", _location, Dimension, count, _options.ExactSearch ? "exact" : "hnsw");
        }

        return serviceType.IsInstanceOfType(this) ? this : serviceType.IsInstanceOfType(_dataSource) ? _dataSource : null;
    }

    /// <summary>Deletes the table and its indexes (every record); the next upsert creates it again.</summary>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when the table is gone.</returns>
    public async Task DropTableAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _dataSource.CreateCommand($"DROP TABLE IF EXISTS {_table}");
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        _tableKnown = false;
        Volatile.Write(ref _dimension, _options.Dimension ?? 0);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _dataSource.Dispose();
            _schemaLock.Dispose();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            await _dataSource.DisposeAsync().ConfigureAwait(false);
            _schemaLock.Dispose();
        }
    }

    private bool UseCopy() => _options.BulkInsertMode switch
    {
        PostgresBulkInsertMode.Copy => true,
        PostgresBulkInsertMode.Batched => false,
        _ => _copySupported,
    };

    private async Task<bool> TableExistsAsync(CancellationToken cancellationToken) =>
        await EnsureTableAsync(0, cancellationToken).ConfigureAwait(false) > 0;

    /// <summary>
    /// Connects once (extension, type reload, capability check), finds the table's dimension, and creates the table
    /// when it is missing and a dimension is known (configured, or <paramref name="firstDimension"/> from an upsert).
    /// Returns the dimension, or 0 when there is no table.
    /// </summary>
    private async Task<int> EnsureTableAsync(int firstDimension, CancellationToken cancellationToken)
    {
        if (_tableKnown)
        {
            return Dimension;
        }

        await _schemaLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_tableKnown)
            {
                return Dimension;
            }

            await ConnectAsync(cancellationToken).ConfigureAwait(false);
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            int existing;
            await using (var find = new NpgsqlCommand("SELECT a.atttypmod FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attname = 'embedding' AND NOT a.attisdropped", connection))
            {
                find.Parameters.Add(new NpgsqlParameter { Value = _table });
                existing = await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int typmod ? typmod : 0;
            }

            if (existing > 0)
            {
                if (_options.Dimension is { } configured && configured != existing)
                {
                    throw new InvalidOperationException($"The table {_tableName} holds vector({existing}), but the options ask for {configured}.");
                }

                Volatile.Write(ref _dimension, existing);
                _tableKnown = true;
                return existing;
            }

            int dimension = _options.Dimension ?? firstDimension;
            if (dimension <= 0)
            {
                return 0;
            }

            string index = _tableName.Length > 50 ? _tableName[..50] : _tableName;
            string ddl = string.Create(CultureInfo.InvariantCulture, $"""
                CREATE TABLE IF NOT EXISTS {_table} (
                    id text PRIMARY KEY,
                    seq bigint GENERATED ALWAYS AS IDENTITY,
                    modality smallint NOT NULL,
                    source text NOT NULL,
                    content_hash text NOT NULL,
                    metadata jsonb,
                    embedding vector({dimension}) NOT NULL);
                CREATE INDEX IF NOT EXISTS "{index}_hnsw" ON {_table} USING hnsw (embedding vector_cosine_ops) WITH (m = {_options.HnswM}, ef_construction = {_options.HnswEfConstruction});
                CREATE INDEX IF NOT EXISTS "{index}_hash" ON {_table} (content_hash);
                """);
            await using (var create = new NpgsqlCommand(ddl, connection))
            {
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            Volatile.Write(ref _dimension, dimension);
            _tableKnown = true;
            return dimension;
        }
        finally
        {
            _schemaLock.Release();
        }
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        if (_connected)
        {
            return;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (_options.CreateExtension)
        {
            await using var create = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS vector", connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // The data source read the server's types when it first connected, possibly before the extension existed.
        await connection.ReloadTypesAsync(cancellationToken).ConfigureAwait(false);
        await using (var version = new NpgsqlCommand("SELECT version()", connection))
        {
            string text = (string)(await version.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            _copySupported = SupportsBinaryCopy(text);
        }

        _connected = true;
    }

    /// <summary>
    /// PGlite's wire-protocol server answers binary COPY FROM STDIN by losing protocol synchronization, which kills the
    /// connection and wedges the server; every other PostgreSQL supports it. Probing would break the server, so the
    /// check reads version().
    /// </summary>
    internal static bool SupportsBinaryCopy(string version) => !version.Contains("PGlite", StringComparison.OrdinalIgnoreCase);

    private async Task BatchedUpsertAsync(NpgsqlConnection connection, IReadOnlyList<RetrievalRecord> records, int start, int count, CancellationToken cancellationToken)
    {
        var ids = new string[count];
        var modalities = new short[count];
        var sources = new string[count];
        var hashes = new string[count];
        var metadata = new string?[count];
        var embeddings = new Vector[count];
        for (int i = 0; i < count; i++)
        {
            var r = records[start + i];
            ids[i] = r.Id;
            modalities[i] = (short)r.Modality;
            sources[i] = r.Source;
            hashes[i] = r.ContentHash;
            metadata[i] = r.Metadata?.GetRawText();
            embeddings[i] = new Vector(Normalized(r.Embedding));
        }

        await using var command = new NpgsqlCommand(
            $"INSERT INTO {_table} (id, modality, source, content_hash, metadata, embedding) " +
            "SELECT * FROM unnest($1::text[], $2::smallint[], $3::text[], $4::text[], $5::jsonb[], $6::vector[]) " + UpsertConflict,
            connection);
        command.Parameters.Add(new NpgsqlParameter { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = modalities, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Smallint });
        command.Parameters.Add(new NpgsqlParameter { Value = sources, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = hashes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = metadata, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = embeddings });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task CopyUpsertAsync(NpgsqlConnection connection, IReadOnlyList<RetrievalRecord> records, CancellationToken cancellationToken)
    {
        await using (var temp = new NpgsqlCommand("CREATE TEMP TABLE mm_retrieval_upsert (id text, modality smallint, source text, content_hash text, metadata jsonb, embedding vector) ON COMMIT DROP", connection))
        {
            await temp.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var writer = await connection.BeginBinaryImportAsync("COPY mm_retrieval_upsert (id, modality, source, content_hash, metadata, embedding) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
        {
            foreach (var r in records)
            {
                await writer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(r.Id, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync((short)r.Modality, NpgsqlDbType.Smallint, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(r.Source, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(r.ContentHash, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                if (r.Metadata is { } m)
                {
                    await writer.WriteAsync(m.GetRawText(), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await writer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                await writer.WriteAsync(new Vector(Normalized(r.Embedding)), cancellationToken).ConfigureAwait(false);
            }

            await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var upsert = new NpgsqlCommand(
            $"INSERT INTO {_table} (id, modality, source, content_hash, metadata, embedding) SELECT id, modality, source, content_hash, metadata, embedding FROM mm_retrieval_upsert " + UpsertConflict,
            connection);
        await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // An updated record keeps its place in the insertion order (seq), as it keeps its id.
    private const string UpsertConflict =
        "ON CONFLICT (id) DO UPDATE SET modality = EXCLUDED.modality, source = EXCLUDED.source, content_hash = EXCLUDED.content_hash, metadata = EXCLUDED.metadata, embedding = EXCLUDED.embedding";

    private static float[] Normalized(ReadOnlyMemory<float> embedding)
    {
        var result = embedding.ToArray();
        float norm = TensorPrimitives.Norm(result);
        if (norm > 0)
        {
            TensorPrimitives.Divide(result, norm, result);
        }

        return result;
    }

    private static async Task<List<(RetrievalRecord Record, long Seq, double Distance)>> ReadRecordsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var result = new List<(RetrievalRecord, long, double)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        bool hasDistance = reader.FieldCount > 7;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            JsonElement? metadata = null;
            if (!reader.IsDBNull(4))
            {
                using var doc = JsonDocument.Parse(reader.GetString(4));
                metadata = doc.RootElement.Clone();
            }

            var record = new RetrievalRecord(
                reader.GetString(0),
                (RetrievalModality)reader.GetInt16(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetFieldValue<Vector>(5).Memory,
                metadata);
            result.Add((record, reader.GetInt64(6), hasDistance ? reader.GetDouble(7) : 0));
        }

        return result;
    }
}

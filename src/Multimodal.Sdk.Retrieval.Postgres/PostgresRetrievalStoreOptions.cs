namespace Multimodal.Sdk;

/// <summary>
/// Construction-time settings of a <see cref="PostgresRetrievalStore"/>: where the server is, which table holds the
/// records, and how the pgvector HNSW index is built and searched.
/// </summary>
/// <remarks>
/// Bind it from configuration (<c>services.Configure&lt;PostgresRetrievalStoreOptions&gt;(config.GetSection(...))</c>) or
/// set it in code. Not safe for concurrent mutation; <see cref="Clone"/> before changing a shared instance.
/// </remarks>
public sealed class PostgresRetrievalStoreOptions
{
    private string _tableName = "multimodal_retrieval";
    private int _hnswM = 16;
    private int _hnswEfConstruction = 64;
    private int _efSearch = 40;
    private int _insertBatchSize = 1000;

    /// <summary>
    /// Gets or sets the server: an Npgsql connection string (<c>Host=...;Username=...;Database=...</c>) or a
    /// <c>postgres://user:password@host:port/database</c> URI. A URI may name the table with <c>?table=NAME</c>; its
    /// other query parameters are passed on as connection string keywords (<c>?sslmode=require</c>).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Gets or sets the table the records live in, created on first use (default <c>multimodal_retrieval</c>).</summary>
    /// <exception cref="ArgumentException">The name is empty or not a plain SQL identifier (letters, digits, underscores).</exception>
    public string TableName
    {
        get => _tableName;
        set => _tableName = PostgresSql.CheckIdentifier(value, nameof(TableName));
    }

    /// <summary>Gets or sets the schema of the table, or <see langword="null"/> for the connection's search path.</summary>
    /// <exception cref="ArgumentException">The name is empty or not a plain SQL identifier.</exception>
    public string? Schema
    {
        get;
        set => field = value is null ? null : PostgresSql.CheckIdentifier(value, nameof(Schema));
    }

    /// <summary>
    /// Gets or sets the embedding length the table is created with (<c>vector(N)</c>), or <see langword="null"/> to
    /// take it from the first upserted record or from an existing table.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1 or more than 16000 (pgvector's limit).</exception>
    public int? Dimension
    {
        get;
        set
        {
            if (value is { } v)
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(v, 1);
                ArgumentOutOfRangeException.ThrowIfGreaterThan(v, 16000);
            }

            field = value;
        }
    }

    /// <summary>Gets or sets the HNSW graph degree <c>m</c> the index is built with (pgvector's default 16, range 2..100).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 2..100.</exception>
    public int HnswM
    {
        get => _hnswM;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 2);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 100);
            _hnswM = value;
        }
    }

    /// <summary>Gets or sets the HNSW build candidate list <c>ef_construction</c> (pgvector's default 64, range 4..1000).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 4..1000.</exception>
    public int HnswEfConstruction
    {
        get => _hnswEfConstruction;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 4);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1000);
            _hnswEfConstruction = value;
        }
    }

    /// <summary>
    /// Gets or sets <c>hnsw.ef_search</c>, the search candidate list (pgvector's default 40, range 1..1000): higher is
    /// more accurate and slower. A search for more hits than this raises it to the number of hits.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1..1000.</exception>
    public int EfSearch
    {
        get => _efSearch;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1000);
            _efSearch = value;
        }
    }

    /// <summary>
    /// Gets or sets whether searches are exact: they then rank every matching row (a sequential scan, ties broken by
    /// insertion order) instead of walking the HNSW index. Default <see langword="false"/>.
    /// </summary>
    public bool ExactSearch { get; set; }

    /// <summary>Gets or sets how upserts reach the server (default <see cref="PostgresBulkInsertMode.Auto"/>).</summary>
    public PostgresBulkInsertMode BulkInsertMode { get; set; } = PostgresBulkInsertMode.Auto;

    /// <summary>Gets or sets how many rows one <c>INSERT ... SELECT unnest(...)</c> statement carries (default 1000).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int InsertBatchSize
    {
        get => _insertBatchSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _insertBatchSize = value;
        }
    }

    /// <summary>
    /// Gets or sets whether the store runs <c>CREATE EXTENSION IF NOT EXISTS vector</c> on first use (default
    /// <see langword="true"/>); turn it off where the extension is installed by an administrator and the store's role
    /// may not create extensions.
    /// </summary>
    public bool CreateExtension { get; set; } = true;

    /// <summary>Copies the options.</summary>
    /// <returns>An independent copy.</returns>
    public PostgresRetrievalStoreOptions Clone() => new()
    {
        ConnectionString = ConnectionString,
        TableName = TableName,
        Schema = Schema,
        Dimension = Dimension,
        HnswM = HnswM,
        HnswEfConstruction = HnswEfConstruction,
        EfSearch = EfSearch,
        ExactSearch = ExactSearch,
        BulkInsertMode = BulkInsertMode,
        InsertBatchSize = InsertBatchSize,
        CreateExtension = CreateExtension,
    };
}

/// <summary>How a <see cref="PostgresRetrievalStore"/> sends upserted rows to the server.</summary>
public enum PostgresBulkInsertMode
{
    /// <summary>
    /// Binary <c>COPY</c> into a temporary table where the server supports it, otherwise <see cref="Batched"/>. The
    /// store checks once per data source: PGlite's wire-protocol server loses protocol synchronization on
    /// <c>COPY ... FROM STDIN</c>, so it gets batched statements.
    /// </summary>
    Auto = 0,

    /// <summary><c>INSERT ... SELECT * FROM unnest($1::text[], ..., $6::vector[]) ON CONFLICT (id) DO UPDATE</c>, <see cref="PostgresRetrievalStoreOptions.InsertBatchSize"/> rows a statement.</summary>
    Batched = 1,

    /// <summary>Binary <c>COPY</c> into a temporary table, then one upsert from it: the fastest path on a real server.</summary>
    Copy = 2,
}

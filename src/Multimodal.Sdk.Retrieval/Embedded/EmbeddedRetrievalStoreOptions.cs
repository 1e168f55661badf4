namespace Multimodal.Sdk;

/// <summary>How the embedded store keeps vectors for scanning.</summary>
public enum RetrievalVectorEncoding
{
    /// <summary>32-bit floats: exact scores, 4 bytes a dimension.</summary>
    Float32 = 0,

    /// <summary>
    /// 8-bit scalar quantization with a scale per vector (1 byte a dimension plus 4 a vector) for the scan; the best
    /// candidates are rescored exactly against the float vectors kept on disk.
    /// </summary>
    Int8 = 1,
}

/// <summary>How the embedded store searches.</summary>
public enum RetrievalSearchAlgorithm
{
    /// <summary>Exact below <see cref="EmbeddedRetrievalStoreOptions.ApproximateThreshold"/> records, HNSW from there on.</summary>
    Auto = 0,

    /// <summary>Always an exact scan (int8 with rescoring for <see cref="RetrievalVectorEncoding.Int8"/>).</summary>
    Exact = 1,

    /// <summary>Always HNSW (built on flush); records added since the last flush are scanned exactly.</summary>
    Hnsw = 2,
}

/// <summary>Settings of an <see cref="EmbeddedRetrievalStore"/>.</summary>
/// <remarks>Not safe for concurrent mutation; <see cref="Clone"/> before changing a shared instance.</remarks>
public sealed class EmbeddedRetrievalStoreOptions
{
    /// <summary>Gets or sets the encoding of a new index (an existing index keeps the one it was created with).</summary>
    public RetrievalVectorEncoding Encoding { get; set; } = RetrievalVectorEncoding.Float32;

    /// <summary>Gets or sets how searches run.</summary>
    public RetrievalSearchAlgorithm SearchAlgorithm { get; set; } = RetrievalSearchAlgorithm.Auto;

    /// <summary>Gets or sets the record count from which <see cref="RetrievalSearchAlgorithm.Auto"/> uses HNSW (default 100,000).</summary>
    public int ApproximateThreshold { get; set; } = 100_000;

    /// <summary>Gets or sets how many int8 candidates per requested hit are rescored exactly (default 8: top 10 rescores 80).</summary>
    public int RescoreFactor { get; set; } = 8;

    /// <summary>Gets or sets the HNSW graph degree (USearch connectivity, default 16).</summary>
    public int HnswConnectivity { get; set; } = 16;

    /// <summary>Gets or sets the HNSW candidate list size while building (default 128).</summary>
    public int HnswExpansionAdd { get; set; } = 128;

    /// <summary>Gets or sets the HNSW candidate list size while searching (default 64); larger is slower and more exact.</summary>
    public int HnswExpansionSearch { get; set; } = 64;

    /// <summary>Gets or sets whether to open without taking the writer lock: searches and reads only, any number of readers.</summary>
    public bool ReadOnly { get; set; }

    /// <summary>Gets or sets the dimension of a new index; 0 takes it from the first record.</summary>
    public int Dimension { get; set; }

    /// <summary>Gets or sets the log size in bytes from which an upsert folds the log into the snapshot (default 64 MiB).</summary>
    public long CheckpointBytes { get; set; } = 64L << 20;

    /// <summary>Copies the options.</summary>
    /// <returns>An independent copy.</returns>
    public EmbeddedRetrievalStoreOptions Clone() => (EmbeddedRetrievalStoreOptions)MemberwiseClone();

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ApproximateThreshold);
        ArgumentOutOfRangeException.ThrowIfLessThan(RescoreFactor, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(HnswConnectivity, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(HnswExpansionAdd, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(HnswExpansionSearch, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(Dimension);
        ArgumentOutOfRangeException.ThrowIfLessThan(CheckpointBytes, 1);
    }
}

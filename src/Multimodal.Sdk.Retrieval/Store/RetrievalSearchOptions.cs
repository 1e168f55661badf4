namespace Multimodal.Sdk;

/// <summary>Per-search settings: how many hits, and filters on modality and metadata.</summary>
/// <remarks>Not safe for concurrent mutation; <see cref="Clone"/> before changing a shared instance.</remarks>
public sealed class RetrievalSearchOptions
{
    private int _top = 10;

    /// <summary>Gets or sets how many hits to return at most, best first; at least 1 (default 10).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int Top
    {
        get => _top;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _top = value;
        }
    }

    /// <summary>Gets or sets the only modality to return, or <see langword="null"/> for all.</summary>
    public RetrievalModality? Modality { get; set; }

    /// <summary>
    /// Gets metadata equality filters: a record matches when its metadata is a JSON object whose top-level property
    /// <c>key</c> has the scalar value <c>value</c>, compared as text the way PostgreSQL's <c>metadata-&gt;&gt;'key'</c>
    /// renders it (strings unquoted, numbers as written, <c>true</c> / <c>false</c>). All entries must match.
    /// </summary>
    public IDictionary<string, string> MetadataEquals { get; private set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets whether a filter is set.</summary>
    public bool HasFilter => Modality is not null || MetadataEquals.Count > 0;

    /// <summary>Copies the options.</summary>
    /// <returns>An independent copy.</returns>
    public RetrievalSearchOptions Clone() => new()
    {
        Top = Top,
        Modality = Modality,
        MetadataEquals = new Dictionary<string, string>(MetadataEquals, StringComparer.Ordinal),
    };
}

namespace Multimodal.Sdk;

/// <summary>
/// Where <see cref="HuggingFaceHub"/> downloads from and caches to. A new instance starts from the environment variables
/// the Python <c>huggingface_hub</c> reads (<c>HF_ENDPOINT</c>, <c>HF_TOKEN</c>, <c>HF_HOME</c>, <c>HF_HUB_CACHE</c>,
/// <c>HF_HUB_OFFLINE</c>), so both ecosystems share one cache; set a property, or bind the section
/// <c>Multimodal:Hub</c> from configuration, to override one.
/// </summary>
/// <remarks>Mutable while the host is being configured; the hub reads it once when it is created.</remarks>
public sealed class HuggingFaceHubOptions
{
    /// <summary>The public Hugging Face hub, used when <c>HF_ENDPOINT</c> is not set.</summary>
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary>Creates options from the process's environment variables.</summary>
    public HuggingFaceHubOptions()
        : this(Environment.GetEnvironmentVariable)
    {
    }

    internal HuggingFaceHubOptions(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        Endpoint = NonEmpty(environment("HF_ENDPOINT"))?.TrimEnd('/') ?? DefaultEndpoint;
        string home = NonEmpty(environment("HF_HOME"))
            ?? Path.Combine(NonEmpty(environment("XDG_CACHE_HOME")) ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "huggingface");
        CacheDirectory = NonEmpty(environment("HF_HUB_CACHE")) ?? Path.Combine(home, "hub");
        Token = NonEmpty(environment("HF_TOKEN")) ?? ReadTokenFile(Path.Combine(home, "token"));
        Offline = IsTrue(environment("HF_HUB_OFFLINE"));
    }

    /// <summary>Gets or sets the hub's base address (<c>HF_ENDPOINT</c>; <see cref="DefaultEndpoint"/> when unset).</summary>
    public string Endpoint { get; set; }

    /// <summary>
    /// Gets or sets the access token sent as <c>Authorization: Bearer</c> (<c>HF_TOKEN</c>, else the file <c>$HF_HOME/token</c>
    /// that <c>huggingface-cli login</c> writes). Needed for gated and private repositories; never logged or put in a message.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>
    /// Gets or sets the cache folder holding <c>models--owner--name/{blobs,refs,snapshots}</c> (<c>HF_HUB_CACHE</c>, else
    /// <c>$HF_HOME/hub</c>, else <c>~/.cache/huggingface/hub</c>).
    /// </summary>
    public string CacheDirectory { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the network is never used (<c>HF_HUB_OFFLINE=1</c>): models resolve from the
    /// cache only, and a missing one raises <see cref="ModelNotFoundException"/> naming what is missing.
    /// </summary>
    public bool Offline { get; set; }

    /// <summary>Gets or sets how many files are downloaded at the same time; 4 by default.</summary>
    public int MaxConcurrentDownloads { get; set; } = 4;

    /// <summary>Gets or sets how many times a broken transfer is resumed (HTTP Range) before the download fails; 3 by default.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Creates a copy.</summary>
    /// <returns>The copy.</returns>
    public HuggingFaceHubOptions Clone() => (HuggingFaceHubOptions)MemberwiseClone();

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool IsTrue(string? value) =>
        NonEmpty(value)?.ToUpperInvariant() is "1" or "ON" or "YES" or "TRUE";

    private static string? ReadTokenFile(string path)
    {
        try
        {
            return File.Exists(path) ? NonEmpty(File.ReadAllText(path)) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

namespace Multimodal.Sdk;

/// <summary>
/// Settings of the HTTP endpoints that <c>MapMultimodal()</c> maps: the model ids clients send, API keys, limits and
/// whether remote images may be fetched. Bound from the <c>Server</c> configuration section by
/// <c>AddMultimodalServer(configuration)</c>, or set in code.
/// </summary>
/// <remarks>Read once per request through <c>IOptionsMonitor</c>; not meant to be mutated while the server runs.</remarks>
public sealed class MultimodalServerOptions
{
    /// <summary>Gets or sets the id of the vision chat model (<c>POST /v1/chat/completions</c>), as clients send it in <c>model</c>.</summary>
    public string ChatModel { get; set; } = "tiny-vlm";

    /// <summary>Gets or sets the id of the speech recognition model (<c>POST /v1/audio/*</c>).</summary>
    public string SpeechModel { get; set; } = "tiny-whisper";

    /// <summary>Gets or sets the id of the CLIP embedding model (<c>POST /v1/embeddings</c>, <c>/classify</c>, <c>/search</c>).</summary>
    public string EmbeddingModel { get; set; } = "tiny-clip";

    /// <summary>Gets or sets the id of the captioning model (<c>POST /caption</c>).</summary>
    public string CaptionModel { get; set; } = "tiny-captioner";

    /// <summary>
    /// Gets or sets other names accepted for a model id, such as <c>"whisper-1": "tiny-whisper"</c> for clients with a
    /// hard-coded model name. Empty by default: an unknown model is a 404.
    /// </summary>
    public IDictionary<string, string> ModelAliases { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets the API keys accepted in <c>Authorization: Bearer</c>. Empty (the default) means no key is needed.
    /// Keys are compared in constant time and never logged.
    /// </summary>
    public IList<string> ApiKeys { get; set; } = [];

    /// <summary>Gets or sets a value indicating whether chat messages may name <c>http(s)://</c> image URLs that the server fetches. Off by default: only <c>data:</c> URIs.</summary>
    public bool AllowRemoteImageUrls { get; set; }

    /// <summary>Gets or sets the largest remote image the server downloads, in bytes.</summary>
    public long MaxRemoteImageBytes { get; set; } = 20L * 1024 * 1024;

    /// <summary>Gets or sets how long the server waits for a remote image.</summary>
    public TimeSpan RemoteImageTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the largest request body, in bytes; a larger one is answered 413 before it is read.</summary>
    public long MaxRequestBodyBytes { get; set; } = 25L * 1024 * 1024;

    /// <summary>
    /// Gets or sets how many requests run at once per pipeline (chat, visual QA, captioner, CLIP, speech); more wait in
    /// the pipeline's queue (<see cref="MaxQueuedRequests"/>). With micro-batching (<c>UseBatching()</c>) set it at least
    /// to the batch size, so enough requests run to fill a batch.
    /// </summary>
    public int MaxConcurrentRequests { get; set; } = 4;

    /// <summary>Gets or sets how many requests may wait for a slot per pipeline; beyond that a request is answered 503 with <c>Retry-After</c> at once.</summary>
    public int MaxQueuedRequests { get; set; } = 64;

    /// <summary>
    /// Gets or sets how many model requests one API key (or, without keys, one client address) may send per minute;
    /// beyond that a request is answered 429 with <c>Retry-After</c>. 0 (the default) turns rate limiting off.
    /// </summary>
    public int RateLimitPerMinute { get; set; }

    /// <summary>Gets or sets how many requests a key may send at once before its rate applies (the token bucket's size); 0 means <see cref="RateLimitPerMinute"/>.</summary>
    public int RateLimitBurst { get; set; }

    /// <summary>
    /// Gets or sets how long a model request may take, waiting for a slot included; a request still running then is
    /// cancelled (the model run stops) and answered 504. <see cref="TimeSpan.Zero"/> turns the timeout off. Default 2 minutes.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets or sets the most choices one chat request may ask for (<c>n</c>).</summary>
    public int MaxChoices { get; set; } = 8;

    /// <summary>Gets or sets the most inputs one embeddings request may carry.</summary>
    public int MaxEmbeddingInputs { get; set; } = 256;

    /// <summary>Gets or sets a value indicating whether the pipelines are warmed up in the background after start; until then model endpoints answer 503.</summary>
    public bool WarmUp { get; set; } = true;
}

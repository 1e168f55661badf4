using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Multimodal.Sdk;

/// <summary>
/// Downloads model folders from a Hugging Face hub into the cache layout the Python <c>huggingface_hub</c> uses
/// (<c>models--owner--name/blobs/&lt;etag&gt;</c>, <c>snapshots/&lt;commit&gt;/</c> of relative symbolic links into the blobs,
/// <c>refs/&lt;revision&gt;</c> holding the commit), so a model downloaded by either is found by both. Only the files a
/// pipeline needs are fetched (<see cref="ModelDownloadOptions"/>), several at a time; a broken transfer resumes with an
/// HTTP Range request from its <c>.incomplete</c> blob; large (LFS) files are checked against the SHA-256 the hub
/// publishes as their ETag; a file appears in the snapshot only once it is complete and checked.
/// </summary>
/// <remarks>
/// Every pipeline accepts a repository id wherever it takes a model folder (<c>AddClip("Xenova/clip-vit-base-patch32")</c>,
/// <c>mm classify --model Xenova/clip-vit-base-patch32</c>): see <see cref="TryParseRepoId"/> for how an id is told from a
/// path. Safe for concurrent use, also by several instances over one cache in one process (each blob is written by one
/// download at a time). The token is sent only to the hub's own host and never appears in a message.
/// </remarks>
public sealed partial class HuggingFaceHub : IDisposable
{
    private const string HubPrefix = "hf:";
    private const int MaxRedirects = 10;

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> s_blobLocks = new(StringComparer.Ordinal);

    private readonly HuggingFaceHubOptions _options;
    private readonly HttpClient _http;
    private readonly Uri _endpoint;

    /// <summary>Creates a hub client.</summary>
    /// <param name="options">Endpoint, token, cache and offline mode; <see langword="null"/> reads them from the environment.</param>
    /// <exception cref="ArgumentException">The endpoint is not an absolute http(s) address, or a limit is below 1.</exception>
    public HuggingFaceHub(HuggingFaceHubOptions? options = null)
    {
        _options = options?.Clone() ?? new HuggingFaceHubOptions();
        if (!Uri.TryCreate(_options.Endpoint?.TrimEnd('/') + "/", UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"The hub endpoint '{_options.Endpoint}' is not an absolute http or https address.", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxConcurrentDownloads, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(_options.MaxRetries, nameof(options));
        ArgumentException.ThrowIfNullOrWhiteSpace(_options.CacheDirectory, nameof(options));
        _endpoint = endpoint;

        // Redirects are followed by hand: the metadata of an LFS file is on the hub's redirect, not on the CDN's answer,
        // and the token must not follow a redirect to another host.
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None, ConnectTimeout = TimeSpan.FromSeconds(30) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Multimodal.Sdk", typeof(HuggingFaceHub).Assembly.GetName().Version?.ToString(3) ?? "0"));
    }

    /// <summary>Gets the options this hub was created with (a copy).</summary>
    public HuggingFaceHubOptions Options => _options.Clone();

    /// <summary>
    /// Tells a repository id from a model folder path. A value is a repository when it starts with <c>hf:</c>
    /// (<c>hf:gpt2</c>, <c>hf:Xenova/clip-vit-base-patch32</c>), or when it has the shape <c>owner/name</c> (letters, digits,
    /// <c>-</c>, <c>_</c>, <c>.</c>; one slash), optionally followed by <c>@revision</c>, and no folder of that relative path
    /// exists. Anything else (an absolute path, <c>./x</c>, <c>a/b/c</c>, an existing folder) is a path.
    /// </summary>
    /// <param name="modelPathOrRepoId">What the caller passed as a model.</param>
    /// <param name="repoId">The repository, <c>owner/name</c>.</param>
    /// <param name="revision">The revision after <c>@</c>, or <see langword="null"/> for the default branch.</param>
    /// <returns><see langword="true"/> for a repository id.</returns>
    public static bool TryParseRepoId(string? modelPathOrRepoId, out string repoId, out string? revision)
    {
        repoId = string.Empty;
        revision = null;
        if (string.IsNullOrWhiteSpace(modelPathOrRepoId))
        {
            return false;
        }

        string value = modelPathOrRepoId.Trim();
        bool prefixed = value.StartsWith(HubPrefix, StringComparison.OrdinalIgnoreCase);
        if (prefixed)
        {
            value = value[HubPrefix.Length..].TrimStart('/');
        }
        else if (Directory.Exists(value))
        {
            return false;
        }

        var match = (prefixed ? PrefixedRepoPattern() : RepoPattern()).Match(value);
        if (!match.Success || match.Groups["id"].Value.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        repoId = match.Groups["id"].Value;
        revision = match.Groups["rev"].Success ? match.Groups["rev"].Value : null;
        return true;
    }

    /// <summary>Gets the cache folder of a repository, <c>&lt;cache&gt;/models--owner--name</c> (it may not exist).</summary>
    /// <param name="repoId">The repository, <c>owner/name</c>.</param>
    /// <returns>The folder.</returns>
    /// <exception cref="ArgumentException"><paramref name="repoId"/> is not a repository id.</exception>
    public string GetCacheFolder(string repoId)
    {
        ValidateRepoId(repoId);
        return Path.Combine(Path.GetFullPath(_options.CacheDirectory), "models--" + repoId.Replace("/", "--", StringComparison.Ordinal));
    }

    /// <summary>
    /// Downloads what a pipeline needs from a repository, or finds it in the cache, and returns the snapshot folder.
    /// Files already in the snapshot are not fetched again; a file whose blob another snapshot holds is linked, not fetched.
    /// </summary>
    /// <param name="repoId">The repository, <c>owner/name</c> (<c>hf:</c> and <c>@revision</c> are accepted too).</param>
    /// <param name="options">Revision, precisions and extra patterns; <see langword="null"/> for <c>main</c> in full precision.</param>
    /// <param name="progress">Reports bytes as they arrive and each finished file; optional.</param>
    /// <param name="cancellationToken">Cancels the transfers; a partly fetched blob stays as <c>.incomplete</c> and resumes next time.</param>
    /// <returns>The snapshot.</returns>
    /// <exception cref="ArgumentException"><paramref name="repoId"/> is not a repository id.</exception>
    /// <exception cref="ModelNotFoundException">The repository, revision or a file does not exist; in offline mode, the cache lacks it (the message says what).</exception>
    /// <exception cref="ModelDownloadException">Access was refused (gated or private: set <c>HF_TOKEN</c>), the hub failed, the connection broke more often than <see cref="HuggingFaceHubOptions.MaxRetries"/>, or a checksum did not match.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<ModelSnapshot> DownloadAsync(string repoId, ModelDownloadOptions? options = null, IProgress<ModelDownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(repoId);
        var o = options?.Clone() ?? new ModelDownloadOptions();
        string? revisionInId = null;
        if (repoId.StartsWith(HubPrefix, StringComparison.OrdinalIgnoreCase) || repoId.Contains('@', StringComparison.Ordinal))
        {
            if (!TryParseRepoId(HubPrefix + repoId[(repoId.StartsWith(HubPrefix, StringComparison.OrdinalIgnoreCase) ? HubPrefix.Length : 0)..], out var parsed, out revisionInId))
            {
                throw new ArgumentException($"'{repoId}' is not a repository id (owner/name).", nameof(repoId));
            }

            repoId = parsed;
        }

        ValidateRepoId(repoId);
        string revision = o.Revision ?? revisionInId ?? "main";
        string repoFolder = GetCacheFolder(repoId);
        if (_options.Offline)
        {
            return ResolveFromCache(repoId, revision, repoFolder, o, "HF_HUB_OFFLINE is set");
        }

        RepoInfo info;
        try
        {
            info = await GetRepoInfoAsync(repoId, revision, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.StatusCode is null)
        {
            // The hub cannot be reached: use what the cache has for this revision, as huggingface_hub does.
            try
            {
                return ResolveFromCache(repoId, revision, repoFolder, o, $"the hub at {_endpoint} could not be reached ({ex.Message})");
            }
            catch (ModelNotFoundException missing)
            {
                throw new ModelDownloadException(repoId, null, null, missing.Message, ex);
            }
        }

        var files = HubFileSelection.Select(repoId, info.Files, [.. o.Precisions], [.. o.Include]);
        string snapshot = Path.Combine(repoFolder, "snapshots", info.Commit);
        Directory.CreateDirectory(snapshot);
        if (!string.Equals(revision, info.Commit, StringComparison.Ordinal))
        {
            WriteRef(repoFolder, revision, info.Commit);
        }

        await FetchAllAsync(repoId, info.Commit, repoFolder, snapshot, files, progress, cancellationToken).ConfigureAwait(false);
        return new ModelSnapshot(repoId, info.Commit, snapshot, files);
    }

    /// <summary>Releases the HTTP connections.</summary>
    public void Dispose() => _http.Dispose();

    /// <summary>Resolves a model path that may be a repository id: a path is returned as it is, a repository is downloaded (or found in the cache).</summary>
    internal string ResolveModelPath(string modelPathOrRepoId, IEnumerable<ModelPrecision> precisions)
    {
        if (!TryParseRepoId(modelPathOrRepoId, out var repoId, out var revision))
        {
            return modelPathOrRepoId;
        }

        var options = new ModelDownloadOptions { Revision = revision, Precisions = [.. precisions] };

        // Pipelines are created synchronously (DI factories); run the download off any synchronization context.
        return Task.Run(() => DownloadAsync(repoId, options)).GetAwaiter().GetResult().Path;
    }

    private static void ValidateRepoId(string repoId)
    {
        if (!RepoPattern().IsMatch(repoId) && !PrefixedRepoPattern().IsMatch(repoId) || repoId.Contains('@', StringComparison.Ordinal) || repoId.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{repoId}' is not a repository id: expected owner/name.", nameof(repoId));
        }
    }

    private static bool IsCommit(string revision) => CommitPattern().IsMatch(revision);

    private static void WriteRef(string repoFolder, string revision, string commit)
    {
        string path = Path.Combine(repoFolder, "refs", revision.Replace('/', Path.DirectorySeparatorChar));
        if (File.Exists(path) && File.ReadAllText(path).Trim() == commit)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temp, commit);
        File.Move(temp, path, overwrite: true);
    }

    private ModelSnapshot ResolveFromCache(string repoId, string revision, string repoFolder, ModelDownloadOptions options, string why)
    {
        string commit = revision;
        if (!IsCommit(revision))
        {
            string refPath = Path.Combine(repoFolder, "refs", revision.Replace('/', Path.DirectorySeparatorChar));
            if (!File.Exists(refPath))
            {
                throw new ModelNotFoundException(
                    repoId,
                    null,
                    $"'{repoId}' at revision '{revision}' is not in the hub cache and cannot be downloaded: {why}. Missing: {refPath}. " +
                    $"Download it once with the network on (mm download {repoId}), or pass a local model folder.");
            }

            commit = File.ReadAllText(refPath).Trim();
        }

        string snapshot = Path.Combine(repoFolder, "snapshots", commit);
        if (!Directory.Exists(snapshot))
        {
            throw new ModelNotFoundException(
                repoId,
                null,
                $"'{repoId}' at revision '{revision}' is not in the hub cache and cannot be downloaded: {why}. Missing: {snapshot}. " +
                $"Download it once with the network on (mm download {repoId}), or pass a local model folder.");
        }

        // A link whose blob is gone does not count.
        var present = Directory.EnumerateFiles(snapshot, "*", SearchOption.AllDirectories)
            .Where(File.Exists)
            .Select(f => Path.GetRelativePath(snapshot, f).Replace(Path.DirectorySeparatorChar, '/'))
            .ToList();
        List<string> files;
        try
        {
            files = HubFileSelection.Select(repoId, present, [.. options.Precisions], [.. options.Include]);
        }
        catch (ModelNotFoundException ex)
        {
            throw new ModelNotFoundException(repoId, null, $"The cached snapshot {snapshot} cannot be used ({why}): {ex.Message}");
        }

        var missing = new List<string>();
        if (!files.Contains("config.json", StringComparer.Ordinal))
        {
            missing.Add("config.json");
        }

        if (!files.Any(f => f.EndsWith(".onnx", StringComparison.Ordinal)))
        {
            missing.Add($"a graph in precision {string.Join(" or ", options.Precisions.Select(HubFileSelection.Describe))} (onnx/*.onnx)");
        }

        if (missing.Count > 0)
        {
            throw new ModelNotFoundException(
                repoId,
                missing[0],
                $"The cached snapshot {snapshot} of '{repoId}' lacks {string.Join(" and ", missing)}, and it cannot be downloaded: {why}. " +
                $"Download it with the network on (mm download {repoId}).");
        }

        return new ModelSnapshot(repoId, commit, snapshot, files);
    }

    private async Task<RepoInfo> GetRepoInfoAsync(string repoId, string revision, CancellationToken cancellationToken)
    {
        var uri = new Uri(_endpoint, $"api/models/{repoId}/revision/{Uri.EscapeDataString(revision)}");
        using var response = await SendWithRetriesAsync(HttpMethod.Get, uri, repoId, null, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw HubError(response, repoId, null, revision);
        }

        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), default, cancellationToken).ConfigureAwait(false);
        var root = json.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("sha", out var sha) || sha.GetString() is not { } commit || !IsCommit(commit))
        {
            throw new ModelDownloadException(repoId, null, (int)response.StatusCode, $"The hub's answer about '{repoId}' at '{revision}' has no commit ('sha').");
        }

        var files = new List<string>();
        if (root.TryGetProperty("siblings", out var siblings) && siblings.ValueKind == JsonValueKind.Array)
        {
            foreach (var sibling in siblings.EnumerateArray())
            {
                if (sibling.ValueKind == JsonValueKind.Object && sibling.TryGetProperty("rfilename", out var name) && name.GetString() is { Length: > 0 } file
                    && !file.StartsWith('/') && !file.Split('/').Contains(".."))
                {
                    files.Add(file);
                }
            }
        }

        return new RepoInfo(commit, files);
    }

    private async Task FetchAllAsync(string repoId, string commit, string repoFolder, string snapshot, List<string> files, IProgress<ModelDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var gate = new SemaphoreSlim(_options.MaxConcurrentDownloads);
        int done = 0;
        var tasks = files.Select(async file =>
        {
            await gate.WaitAsync(failed.Token).ConfigureAwait(false);
            try
            {
                var fileProgress = progress is null ? null : new Action<long, long?>((bytes, length) => progress.Report(new ModelDownloadProgress(file, bytes, length, Volatile.Read(ref done), files.Count)));
                long length = await FetchFileAsync(repoId, commit, repoFolder, snapshot, file, fileProgress, failed.Token).ConfigureAwait(false);
                int now = Interlocked.Increment(ref done);
                progress?.Report(new ModelDownloadProgress(file, length, length, now, files.Count));
            }
            catch
            {
                // One failure stops the other transfers (their .incomplete blobs stay for the next try).
                await failed.CancelAsync().ConfigureAwait(false);
                throw;
            }
            finally
            {
                gate.Release();
            }
        }).ToList();

        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch when (!cancellationToken.IsCancellationRequested)
        {
            // Report the failure that stopped the others, not a sibling's cancellation.
            var first = tasks.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions).FirstOrDefault(e => e is not OperationCanceledException);
            if (first is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
            }

            throw;
        }
    }

    private async Task<long> FetchFileAsync(string repoId, string commit, string repoFolder, string snapshot, string file, Action<long, long?>? progress, CancellationToken cancellationToken)
    {
        string pointer = Path.Combine(snapshot, file.Replace('/', Path.DirectorySeparatorChar));
        if (File.Exists(pointer))
        {
            return new FileInfo(pointer).Length;
        }

        var meta = await GetFileMetadataAsync(repoId, commit, file, cancellationToken).ConfigureAwait(false);
        string blob = Path.Combine(repoFolder, "blobs", meta.Etag);
        var blobLock = s_blobLocks.GetOrAdd(blob, _ => new SemaphoreSlim(1, 1));
        await blobLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!File.Exists(blob))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
                await DownloadBlobAsync(repoId, file, meta, blob, progress, cancellationToken).ConfigureAwait(false);
            }

            Link(pointer, blob);
            return new FileInfo(blob).Length;
        }
        finally
        {
            blobLock.Release();
        }
    }

    private async Task<FileMetadata> GetFileMetadataAsync(string repoId, string commit, string file, CancellationToken cancellationToken)
    {
        var uri = ResolveUri(repoId, commit, file);
        using var response = await SendWithRetriesAsync(HttpMethod.Head, uri, repoId, file, cancellationToken).ConfigureAwait(false);
        int status = (int)response.StatusCode;
        if (status >= 400)
        {
            throw HubError(response, repoId, file, commit);
        }

        string? etag = Header(response, "X-Linked-Etag") ?? response.Headers.ETag?.Tag ?? Header(response, "ETag");
        if (etag is null)
        {
            throw new ModelDownloadException(repoId, file, status, $"The hub gave no ETag for '{file}' of '{repoId}': its content cannot be cached or checked.");
        }

        etag = etag.Trim();
        if (etag.StartsWith("W/", StringComparison.Ordinal))
        {
            etag = etag[2..];
        }

        etag = etag.Trim('"');
        if (!EtagPattern().IsMatch(etag))
        {
            throw new ModelDownloadException(repoId, file, status, $"The hub gave an unusable ETag for '{file}' of '{repoId}'.");
        }

        long? size = long.TryParse(Header(response, "X-Linked-Size"), out long linked) ? linked : response.Content.Headers.ContentLength;
        var download = status is >= 300 and < 400 && response.Headers.Location is { } location ? new Uri(uri, location) : uri;
        return new FileMetadata(etag, size, download);
    }

    private async Task DownloadBlobAsync(string repoId, string file, FileMetadata meta, string blob, Action<long, long?>? progress, CancellationToken cancellationToken)
    {
        string incomplete = blob + ".incomplete";
        for (int attempt = 0; ; attempt++)
        {
            long have = File.Exists(incomplete) ? new FileInfo(incomplete).Length : 0;
            if (meta.Size is long expected && have > expected)
            {
                File.Delete(incomplete);
                have = 0;
            }

            if (meta.Size is long complete && have == complete && complete > 0)
            {
                break;
            }

            try
            {
                using var response = await SendAsync(HttpMethod.Get, meta.Download, have > 0 ? have : null, followAbsoluteRedirects: true, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
                {
                    File.Delete(incomplete);
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    var error = HubError(response, repoId, file, null);
                    if ((int)response.StatusCode >= 500 && attempt < _options.MaxRetries)
                    {
                        await Task.Delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    throw error;
                }

                // A server that ignores Range answers 200 with the whole file: start over instead of appending.
                bool append = have > 0 && response.StatusCode == HttpStatusCode.PartialContent;
                long written = append ? have : 0;
                var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    var target = new FileStream(incomplete, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                    await using (target.ConfigureAwait(false))
                    {
                        var buffer = new byte[1 << 16];
                        int read;
                        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                        {
                            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                            written += read;
                            progress?.Invoke(written, meta.Size);
                        }
                    }
                }

                if (meta.Size is long size && written < size)
                {
                    // The server closed the body early without an error: resume like a dropped connection.
                    throw new IOException($"The transfer of '{file}' ended at {written} of {size} bytes.");
                }

                break;
            }
            catch (Exception ex) when (ex is HttpRequestException { StatusCode: null } or IOException && !cancellationToken.IsCancellationRequested)
            {
                if (attempt >= _options.MaxRetries)
                {
                    throw new ModelDownloadException(
                        repoId,
                        file,
                        null,
                        $"Downloading '{file}' of '{repoId}' failed after {attempt + 1} attempts: {ex.Message}. The part already fetched is kept and resumes on the next try.",
                        ex);
                }

                await Task.Delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
            }
        }

        Verify(repoId, file, meta, incomplete);
        File.Move(incomplete, blob, overwrite: true);
    }

    private static void Verify(string repoId, string file, FileMetadata meta, string incomplete)
    {
        long length = new FileInfo(incomplete).Length;
        if (meta.Size is long size && length != size)
        {
            File.Delete(incomplete);
            throw new ModelDownloadException(repoId, file, null, $"'{file}' of '{repoId}' arrived with {length} bytes, but the hub announced {size}. It was discarded.");
        }

        // LFS files are addressed by the SHA-256 of their content; small files by a git object id, which is not checked.
        if (Sha256Pattern().IsMatch(meta.Etag))
        {
            string actual;
            using (var stream = File.OpenRead(incomplete))
            {
                actual = Convert.ToHexStringLower(SHA256.HashData(stream));
            }

            if (!string.Equals(actual, meta.Etag, StringComparison.OrdinalIgnoreCase))
            {
                File.Delete(incomplete);
                throw new ModelDownloadException(
                    repoId,
                    file,
                    null,
                    $"'{file}' of '{repoId}' failed its checksum: SHA-256 {actual}, but the hub published {meta.Etag}. It was discarded and nothing was added to the snapshot.");
            }
        }
    }

    private static void Link(string pointer, string blob)
    {
        string folder = Path.GetDirectoryName(pointer)!;
        Directory.CreateDirectory(folder);
        string temp = pointer + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            File.CreateSymbolicLink(temp, Path.GetRelativePath(folder, blob));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            // Where symbolic links are not allowed (Windows without developer mode), copy as huggingface_hub does.
            File.Copy(blob, temp, overwrite: true);
        }

        File.Move(temp, pointer, overwrite: true);
    }

    private static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(200 * (1 << Math.Min(attempt, 5)));

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? values.FirstOrDefault() : null;

    private Uri ResolveUri(string repoId, string revision, string file) =>
        new(_endpoint, $"{repoId}/resolve/{Uri.EscapeDataString(revision)}/{string.Join('/', file.Split('/').Select(Uri.EscapeDataString))}");

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri uri, long? rangeStart, bool followAbsoluteRedirects, CancellationToken cancellationToken)
    {
        for (int redirects = 0; ; redirects++)
        {
            using var request = new HttpRequestMessage(method, uri);
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity"));
            if (_options.Token is { Length: > 0 } token && IsHubHost(uri))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            if (rangeStart is long start)
            {
                request.Headers.Range = new RangeHeaderValue(start, null);
            }

            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            if (status is < 300 or >= 400 || response.Headers.Location is not { } location || redirects >= MaxRedirects)
            {
                return response;
            }

            // The metadata of a file is on the hub's own answer: follow a relative redirect (a renamed repository), not
            // one to a CDN, as huggingface_hub's follow_relative_redirects does.
            if (!followAbsoluteRedirects && location.IsAbsoluteUri)
            {
                return response;
            }

            var next = new Uri(uri, location);

            response.Dispose();
            uri = next;
        }
    }

    // A request without a body to resume: retried as it is after a broken connection.
    private async Task<HttpResponseMessage> SendWithRetriesAsync(HttpMethod method, Uri uri, string repoId, string? file, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return await SendAsync(method, uri, null, followAbsoluteRedirects: false, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (ex.StatusCode is null && !cancellationToken.IsCancellationRequested && attempt < _options.MaxRetries)
            {
                await Task.Delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (ex.StatusCode is null && file is not null && !cancellationToken.IsCancellationRequested)
            {
                throw new ModelDownloadException(repoId, file, null, $"Asking the hub about '{file}' of '{repoId}' failed after {attempt + 1} attempts: {ex.Message}", ex);
            }
        }
    }

    private bool IsHubHost(Uri uri) => Uri.Compare(uri, _endpoint, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private MultimodalException HubError(HttpResponseMessage response, string repoId, string? file, string? revision)
    {
        int status = (int)response.StatusCode;
        string? code = Header(response, "X-Error-Code");
        string? hubMessage = Header(response, "X-Error-Message");
        string what = file is null ? $"'{repoId}'" : $"'{file}' of '{repoId}'";
        string detail = hubMessage is null ? string.Empty : $" The hub says: {hubMessage}";
        string tokenHint = string.IsNullOrEmpty(_options.Token)
            ? "No token was sent: set HF_TOKEN to a token of an account that may read it (and accept the model's terms on its page)."
            : "A token was sent (HF_TOKEN) but it may not read this repository: accept the model's terms on its page, or use a token of an account with access.";
        return (status, code) switch
        {
            (_, "RepoNotFound") => new ModelNotFoundException(repoId, file, $"Repository '{repoId}' was not found on {_endpoint} (HTTP {status}). If it is private or gated, {char.ToLowerInvariant(tokenHint[0])}{tokenHint[1..]}{detail}"),
            (_, "RevisionNotFound") => new ModelNotFoundException(repoId, file, $"Revision '{revision}' of '{repoId}' was not found on {_endpoint}.{detail}"),
            (_, "EntryNotFound") => new ModelNotFoundException(repoId, file, $"{what} was not found on {_endpoint}{(revision is null ? string.Empty : $" at '{revision}'")}.{detail}"),
            (401 or 403, _) => new ModelDownloadException(repoId, file, status, $"Access to {what} was refused (HTTP {status}{(code is null ? string.Empty : ", " + code)}): the repository is gated or private. {tokenHint}{detail}"),
            (404, _) => new ModelNotFoundException(repoId, file, $"{what} was not found on {_endpoint} (HTTP 404).{detail}"),
            _ => new ModelDownloadException(repoId, file, status, $"The hub answered HTTP {status} for {what}.{detail}"),
        };
    }

    [GeneratedRegex(@"^(?<id>[A-Za-z0-9][A-Za-z0-9_.\-]*/[A-Za-z0-9][A-Za-z0-9_.\-]*)(@(?<rev>[A-Za-z0-9][A-Za-z0-9_.\-/]*))?$", RegexOptions.CultureInvariant)]
    private static partial Regex RepoPattern();

    // After "hf:", a legacy id without an owner (hf:gpt2) is allowed too.
    [GeneratedRegex(@"^(?<id>[A-Za-z0-9][A-Za-z0-9_.\-]*(/[A-Za-z0-9][A-Za-z0-9_.\-]*)?)(@(?<rev>[A-Za-z0-9][A-Za-z0-9_.\-/]*))?$", RegexOptions.CultureInvariant)]
    private static partial Regex PrefixedRepoPattern();

    [GeneratedRegex("^[0-9a-f]{40}$", RegexOptions.CultureInvariant)]
    private static partial Regex CommitPattern();

    [GeneratedRegex("^[0-9a-fA-F]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Sha256Pattern();

    // An ETag names a blob file: a git object id or a SHA-256, never a path.
    [GeneratedRegex("^[A-Za-z0-9_-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex EtagPattern();

    private sealed record RepoInfo(string Commit, IReadOnlyList<string> Files);

    private sealed record FileMetadata(string Etag, long? Size, Uri Download);
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Multimodal.Sdk.Tests.Hub;

/// <summary>
/// A Hugging Face hub on loopback with the endpoints and headers huggingface_hub reads: <c>GET /api/models/{repo}/revision/{rev}</c>
/// (commit and file list), <c>HEAD/GET /{repo}/resolve/{rev}/{file}</c> (small files answered directly with a git ETag; LFS
/// files redirected to a "CDN" path with <c>X-Linked-Etag</c> = SHA-256 and <c>X-Linked-Size</c>), <c>X-Repo-Commit</c>,
/// <c>X-Error-Code</c> (RepoNotFound, RevisionNotFound, EntryNotFound, GatedRepo) and HTTP Range. Faults are set per file.
/// </summary>
internal sealed class FakeHub : IAsyncDisposable
{
    /// <summary>Files larger than this are served as LFS files (redirect, SHA-256 ETag).</summary>
    public const int LfsThreshold = 1024;

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Repo> _repos = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (byte[] Content, string File)> _cdn = new(StringComparer.Ordinal);
    private int _activeBodies;

    private FakeHub(WebApplication app)
    {
        _app = app;
    }

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Every request: "METHOD path [range] [auth]".</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>The most file bodies that were being sent at the same time.</summary>
    public int MaxConcurrentBodies { get; private set; }

    /// <summary>File name -> bytes after which the connection is dropped; the count says how many times.</summary>
    public ConcurrentDictionary<string, (long After, int Times)> Drops { get; } = new(StringComparer.Ordinal);

    /// <summary>Files whose served content differs from the published SHA-256.</summary>
    public ConcurrentDictionary<string, bool> Corrupt { get; } = new(StringComparer.Ordinal);

    /// <summary>Files listed by the API but answered 404 EntryNotFound by resolve.</summary>
    public ConcurrentDictionary<string, bool> Gone { get; } = new(StringComparer.Ordinal);

    /// <summary>Files sent at about this many bytes per 50 ms.</summary>
    public ConcurrentDictionary<string, int> Slow { get; } = new(StringComparer.Ordinal);

    public static async Task<FakeHub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var hub = new FakeHub(app);
        app.Run(hub.HandleAsync);
        await app.StartAsync();
        hub.Endpoint = new Uri(app.Urls.First());
        return hub;
    }

    /// <summary>Adds a repository at one commit; <paramref name="refs"/> maps branches and tags to commits.</summary>
    public void AddRepo(string repoId, IReadOnlyDictionary<string, byte[]> files, string? commit = null, string? token = null, string branch = "main")
    {
        var repo = _repos.GetOrAdd(repoId, _ => new Repo(token));
        commit ??= Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(repoId + repo.Commits.Count)));
        repo.Commits[commit] = new Dictionary<string, byte[]>(files, StringComparer.Ordinal);
        repo.Refs[branch] = commit;
    }

    public string CommitOf(string repoId, string branch = "main") => _repos[repoId].Refs[branch];

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public static string GitSha(byte[] content) =>
        Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {content.Length}\0"), .. content]));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string path = Uri.UnescapeDataString(request.Path.Value ?? string.Empty);
        Requests.Enqueue($"{request.Method} {path} {request.Headers.Range} {request.Headers.Authorization}".TrimEnd());
        var response = context.Response;
        if (path.StartsWith("/cdn/", StringComparison.Ordinal))
        {
            await ServeCdnAsync(context, path["/cdn/".Length..]);
            return;
        }

        bool api = path.StartsWith("/api/models/", StringComparison.Ordinal);
        string[] parts = (api ? path["/api/models/".Length..] : path.TrimStart('/')).Split('/');
        if (parts.Length < 4 || (api ? parts[2] != "revision" : parts[2] != "resolve"))
        {
            response.StatusCode = 404;
            return;
        }

        string repoId = parts[0] + "/" + parts[1];
        string revision = parts[3];
        if (!_repos.TryGetValue(repoId, out var repo))
        {
            // The real hub answers 401 for a repository it does not show to this caller.
            Error(response, 401, "RepoNotFound", "Repository not found");
            return;
        }

        if (repo.Token is not null && request.Headers.Authorization != $"Bearer {repo.Token}")
        {
            Error(response, 401, "GatedRepo", $"Access to model {repoId} is restricted. You must have access to it and be authenticated to access it.");
            return;
        }

        string? commit = repo.Commits.ContainsKey(revision) ? revision : repo.Refs.GetValueOrDefault(revision);
        if (commit is null)
        {
            Error(response, 404, "RevisionNotFound", $"Invalid rev id: {revision}");
            return;
        }

        var files = repo.Commits[commit];
        response.Headers["X-Repo-Commit"] = commit;
        if (api)
        {
            response.ContentType = "application/json";
            await response.WriteAsync(JsonSerializer.Serialize(new { id = repoId, sha = commit, siblings = files.Keys.Select(f => new { rfilename = f }) }));
            return;
        }

        string file = string.Join('/', parts[4..]);
        if (!files.TryGetValue(file, out var content) || Gone.ContainsKey(file))
        {
            Error(response, 404, "EntryNotFound", $"{file} does not exist on \"{revision}\"");
            return;
        }

        if (content.Length > LfsThreshold)
        {
            string sha = Sha256(content);
            string key = $"{sha}-{file.Replace('/', '_')}";
            _cdn[key] = (Corrupt.ContainsKey(file) ? [.. content.Select(b => (byte)(b ^ 0x5A))] : content, file);
            response.StatusCode = 302;
            response.Headers["X-Linked-Etag"] = $"\"{sha}\"";
            response.Headers["X-Linked-Size"] = content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            response.Headers.ETag = $"\"{GitSha(Encoding.ASCII.GetBytes(sha))}\"";
            response.Headers.Location = new Uri(Endpoint, $"cdn/{key}").ToString();
            return;
        }

        response.Headers.ETag = $"\"{GitSha(content)}\"";
        response.ContentLength = content.Length;
        if (HttpMethods.IsGet(request.Method))
        {
            await response.Body.WriteAsync(content);
        }
    }

    private async Task ServeCdnAsync(HttpContext context, string key)
    {
        if (!_cdn.TryGetValue(key, out var entry))
        {
            context.Response.StatusCode = 404;
            return;
        }

        var (content, file) = entry;
        long start = 0;
        if (context.Request.Headers.Range is { Count: > 0 } range && range[0] is { } r && r.StartsWith("bytes=", StringComparison.Ordinal))
        {
            start = long.Parse(r["bytes=".Length..].TrimEnd('-').Split('-')[0], System.Globalization.CultureInfo.InvariantCulture);
            context.Response.StatusCode = 206;
            context.Response.Headers.ContentRange = $"bytes {start}-{content.Length - 1}/{content.Length}";
        }

        context.Response.ContentLength = content.Length - start;
        int active = Interlocked.Increment(ref _activeBodies);
        lock (Requests)
        {
            MaxConcurrentBodies = Math.Max(MaxConcurrentBodies, active);
        }

        try
        {
            long sent = start;
            int chunk = Slow.TryGetValue(file, out int slow) ? slow : 1 << 16;
            while (sent < content.Length)
            {
                if (Drops.TryGetValue(file, out var drop) && drop.Times > 0 && sent >= drop.After)
                {
                    Drops[file] = (drop.After, drop.Times - 1);
                    // Let the client read what was sent before the reset, which would discard it from its socket buffer.
                    await context.Response.Body.FlushAsync();
                    await Task.Delay(300);
                    context.Abort();
                    return;
                }

                long n = Math.Min(chunk, content.Length - sent);
                if (drop.Times > 0 && sent < drop.After)
                {
                    n = Math.Min(n, drop.After - sent);
                }

                await context.Response.Body.WriteAsync(content.AsMemory((int)sent, (int)n), context.RequestAborted);
                sent += n;
                if (slow > 0)
                {
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                    await Task.Delay(50, context.RequestAborted);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away (a cancelled download).
        }
        finally
        {
            Interlocked.Decrement(ref _activeBodies);
        }
    }

    private static void Error(HttpResponse response, int status, string code, string message)
    {
        response.StatusCode = status;
        response.Headers["X-Error-Code"] = code;
        response.Headers["X-Error-Message"] = message;
    }

    private sealed class Repo(string? token)
    {
        public string? Token { get; } = token;

        public ConcurrentDictionary<string, Dictionary<string, byte[]>> Commits { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, string> Refs { get; } = new(StringComparer.Ordinal);
    }
}

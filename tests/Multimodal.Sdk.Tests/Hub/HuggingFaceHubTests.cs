using System.Text;

namespace Multimodal.Sdk.Tests.Hub;

public sealed class HuggingFaceHubTests : IAsyncLifetime
{
    private const string Repo = "org/tiny";
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "mm-hub-tests", Guid.NewGuid().ToString("N"));
    private FakeHub _server = null!;

    private static readonly byte[] Config = Encoding.UTF8.GetBytes("{\"model_type\":\"clip\"}");
    private static readonly byte[] Tokenizer = Encoding.UTF8.GetBytes("{\"version\":\"1.0\"}");
    private static readonly byte[] Graph = Bytes(3000, 1);
    private static readonly byte[] Quantized = Bytes(2000, 2);
    private static readonly byte[] Half = Bytes(2500, 3);
    private static readonly byte[] VisionGraph = Bytes(4000, 4);

    public async Task InitializeAsync()
    {
        _server = await FakeHub.StartAsync();
        _server.AddRepo(Repo, new Dictionary<string, byte[]>
        {
            ["config.json"] = Config,
            ["tokenizer.json"] = Tokenizer,
            ["README.md"] = Encoding.UTF8.GetBytes("# tiny"),
            ["pytorch_model.bin"] = Bytes(5000, 9),
            ["onnx/model.onnx"] = Graph,
            ["onnx/model_quantized.onnx"] = Quantized,
            ["onnx/model_fp16.onnx"] = Half,
            ["onnx/vision_model.onnx"] = VisionGraph,
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        if (Directory.Exists(_cache))
        {
            Directory.Delete(_cache, recursive: true);
        }
    }

    [Fact]
    public async Task DownloadFetchesOnlyWhatAPipelineNeedsIntoTheHuggingFaceCacheLayout()
    {
        using var hub = Hub();
        var snapshot = await hub.DownloadAsync(Repo);

        string commit = _server.CommitOf(Repo);
        string repoFolder = Path.Combine(_cache, "models--org--tiny");
        Assert.Equal(commit, snapshot.Commit);
        Assert.Equal(Path.Combine(repoFolder, "snapshots", commit), snapshot.Path);
        Assert.Equal(["config.json", "onnx/model.onnx", "onnx/vision_model.onnx", "tokenizer.json"], snapshot.Files);
        Assert.Equal(commit, File.ReadAllText(Path.Combine(repoFolder, "refs", "main")));

        // Snapshot entries are relative links into blobs named by ETag: SHA-256 for LFS files, the git object id for small ones.
        var link = new FileInfo(Path.Combine(snapshot.Path, "onnx", "model.onnx"));
        Assert.Equal(Path.Combine("..", "..", "..", "blobs", FakeHub.Sha256(Graph)), link.LinkTarget);
        Assert.Equal(Graph, File.ReadAllBytes(link.FullName));
        Assert.Equal(Path.Combine("..", "..", "blobs", FakeHub.GitSha(Config)), new FileInfo(Path.Combine(snapshot.Path, "config.json")).LinkTarget);
        Assert.False(File.Exists(Path.Combine(snapshot.Path, "pytorch_model.bin")));
        Assert.Empty(Directory.EnumerateFiles(repoFolder, "*.incomplete", SearchOption.AllDirectories));

        // A second call finds everything in the snapshot: one metadata request, no file requests.
        int before = _server.Requests.Count;
        await hub.DownloadAsync(Repo);
        Assert.Equal(1, _server.Requests.Count - before);
    }

    [Fact]
    public async Task PrecisionPicksEachGraphsFirstAvailableVariantAndIncludeAddsFiles()
    {
        using var hub = Hub();
        var snapshot = await hub.DownloadAsync(Repo, new ModelDownloadOptions { Precisions = [ModelPrecision.Quantized, ModelPrecision.Full], Include = ["*.md"] });

        Assert.Equal(["README.md", "config.json", "onnx/model_quantized.onnx", "onnx/vision_model.onnx", "tokenizer.json"], snapshot.Files);
        Assert.Equal(Quantized, File.ReadAllBytes(Path.Combine(snapshot.Path, "onnx", "model_quantized.onnx")));

        var error = await Assert.ThrowsAsync<ModelNotFoundException>(() => hub.DownloadAsync(Repo, new ModelDownloadOptions { Precisions = [ModelPrecision.Q4] }));
        Assert.Contains("no graph in precision q4", error.Message, StringComparison.Ordinal);
        Assert.Contains("onnx/model_fp16.onnx", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADroppedConnectionResumesWithARangeRequest()
    {
        _server.Drops["onnx/model.onnx"] = (1500, 1);
        using var hub = Hub();
        var snapshot = await hub.DownloadAsync(Repo);

        Assert.Equal(Graph, File.ReadAllBytes(Path.Combine(snapshot.Path, "onnx", "model.onnx")));
        var cdn = _server.Requests.Where(r => r.StartsWith("GET /cdn/" + FakeHub.Sha256(Graph), StringComparison.Ordinal)).ToList();
        Assert.Equal(2, cdn.Count);
        Assert.Matches(@"bytes=\d+-$", cdn[1]);
    }

    [Fact]
    public async Task ABrokenDownloadKeepsItsIncompleteBlobOutOfTheSnapshotAndTheNextCallResumesIt()
    {
        _server.Drops["onnx/model.onnx"] = (1500, 1);
        using (var noRetry = Hub(o => o.MaxRetries = 0))
        {
            var error = await Assert.ThrowsAsync<ModelDownloadException>(() => noRetry.DownloadAsync(Repo));
            Assert.Equal("onnx/model.onnx", error.FileName);
        }

        string snapshot = Path.Combine(_cache, "models--org--tiny", "snapshots", _server.CommitOf(Repo));
        Assert.False(File.Exists(Path.Combine(snapshot, "onnx", "model.onnx")));
        string incomplete = Path.Combine(_cache, "models--org--tiny", "blobs", FakeHub.Sha256(Graph) + ".incomplete");
        Assert.True(File.Exists(incomplete));
        long kept = new FileInfo(incomplete).Length;
        Assert.InRange(kept, 1, Graph.Length - 1);

        using var hub = Hub();
        await hub.DownloadAsync(Repo);
        Assert.Equal(Graph, File.ReadAllBytes(Path.Combine(snapshot, "onnx", "model.onnx")));
        Assert.Contains(_server.Requests, r => r.StartsWith("GET /cdn/" + FakeHub.Sha256(Graph), StringComparison.Ordinal) && r.EndsWith($"bytes={kept}-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFileFailingItsChecksumIsRejectedAndNothingOfItIsCached()
    {
        _server.Corrupt["onnx/model.onnx"] = true;
        using var hub = Hub();
        var error = await Assert.ThrowsAsync<ModelDownloadException>(() => hub.DownloadAsync(Repo));

        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
        Assert.Contains(FakeHub.Sha256(Graph), error.Message, StringComparison.Ordinal);
        string repoFolder = Path.Combine(_cache, "models--org--tiny");
        Assert.False(File.Exists(Path.Combine(repoFolder, "snapshots", _server.CommitOf(Repo), "onnx", "model.onnx")));
        Assert.False(File.Exists(Path.Combine(repoFolder, "blobs", FakeHub.Sha256(Graph))));
        Assert.False(File.Exists(Path.Combine(repoFolder, "blobs", FakeHub.Sha256(Graph) + ".incomplete")));
    }

    [Fact]
    public async Task AGatedRepositoryNeedsHfTokenWhichIsSentAsABearerTokenAndNeverShown()
    {
        _server.AddRepo("org/gated", new Dictionary<string, byte[]> { ["config.json"] = Config, ["onnx/model.onnx"] = Graph }, token: "hf_secret");
        using (var anonymous = Hub())
        {
            var error = await Assert.ThrowsAsync<ModelDownloadException>(() => anonymous.DownloadAsync("org/gated"));
            Assert.Equal(401, error.StatusCode);
            Assert.Contains("HF_TOKEN", error.Message, StringComparison.Ordinal);
            Assert.Contains("gated", error.Message, StringComparison.Ordinal);
        }

        using (var wrong = Hub(o => o.Token = "hf_wrong"))
        {
            var error = await Assert.ThrowsAsync<ModelDownloadException>(() => wrong.DownloadAsync("org/gated"));
            Assert.DoesNotContain("hf_wrong", error.Message, StringComparison.Ordinal);
            Assert.Contains("token was sent", error.Message, StringComparison.Ordinal);
        }

        using var hub = Hub(o => o.Token = "hf_secret");
        var snapshot = await hub.DownloadAsync("org/gated");
        Assert.Equal(Graph, File.ReadAllBytes(Path.Combine(snapshot.Path, "onnx", "model.onnx")));
        Assert.Contains(_server.Requests, r => r.StartsWith("GET /api/models/org/gated", StringComparison.Ordinal) && r.EndsWith("Bearer hf_secret", StringComparison.Ordinal));

        // The token stays with the hub: the redirect to another path of the CDN is on the same host here, so check the CDN
        // request of a hub whose endpoint is a different host name for the same server.
        using var other = Hub(o => { o.Token = "hf_secret"; o.Endpoint = _server.Endpoint.ToString().Replace("127.0.0.1", "localhost", StringComparison.Ordinal); });
        Directory.Delete(Path.Combine(_cache, "models--org--gated"), recursive: true);
        int before = _server.Requests.Count;
        await other.DownloadAsync("org/gated");
        var requests = _server.Requests.Skip(before).ToList();
        Assert.Contains(requests, r => r.StartsWith("GET /cdn/", StringComparison.Ordinal) && !r.Contains("Bearer", StringComparison.Ordinal));
        Assert.All(requests.Where(r => !r.StartsWith("GET /cdn/", StringComparison.Ordinal)), r => Assert.EndsWith("Bearer hf_secret", r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task MissingRepositoriesRevisionsAndFilesAreModelNotFound()
    {
        using var hub = Hub();
        var repo = await Assert.ThrowsAsync<ModelNotFoundException>(() => hub.DownloadAsync("org/nope"));
        Assert.Contains("Repository 'org/nope' was not found", repo.Message, StringComparison.Ordinal);

        var revision = await Assert.ThrowsAsync<ModelNotFoundException>(() => hub.DownloadAsync(Repo, new ModelDownloadOptions { Revision = "v9" }));
        Assert.Contains("Revision 'v9'", revision.Message, StringComparison.Ordinal);

        // Listed but gone when fetched (the branch moved between the two requests): 404 EntryNotFound.
        _server.Gone["tokenizer.json"] = true;
        var file = await Assert.ThrowsAsync<ModelNotFoundException>(() => hub.DownloadAsync(Repo));
        Assert.Equal("tokenizer.json", file.FileName);
        Assert.Contains("'tokenizer.json' of 'org/tiny' was not found", file.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancellingASlowDownloadStopsItPromptlyAndLeavesNoFileInTheSnapshot()
    {
        _server.Slow["onnx/model.onnx"] = 16;
        using var hub = Hub();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(400));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hub.DownloadAsync(Repo, cancellationToken: cts.Token));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"cancellation took {watch.Elapsed}");
        Assert.False(File.Exists(Path.Combine(_cache, "models--org--tiny", "snapshots", _server.CommitOf(Repo), "onnx", "model.onnx")));
    }

    [Fact]
    public async Task OfflineModeResolvesFromTheCacheOnlyAndNamesWhatIsMissing()
    {
        using (var online = Hub())
        {
            await online.DownloadAsync(Repo);
        }

        int before = _server.Requests.Count;
        using var offline = Hub(o => o.Offline = true);
        var snapshot = await offline.DownloadAsync(Repo);
        Assert.Equal(_server.CommitOf(Repo), snapshot.Commit);
        Assert.Contains("onnx/model.onnx", snapshot.Files);
        Assert.Equal(before, _server.Requests.Count);

        var notCached = await Assert.ThrowsAsync<ModelNotFoundException>(() => offline.DownloadAsync("org/other"));
        Assert.Contains("HF_HUB_OFFLINE", notCached.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine("models--org--other", "refs", "main"), notCached.Message, StringComparison.Ordinal);

        var noFp16 = await Assert.ThrowsAsync<ModelNotFoundException>(() => offline.DownloadAsync(Repo, new ModelDownloadOptions { Precisions = [ModelPrecision.Float16] }));
        Assert.Contains("fp16", noFp16.Message, StringComparison.Ordinal);
        Assert.Contains("HF_HUB_OFFLINE", noFp16.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARevisionPinsTheSnapshotAndItsRef()
    {
        string first = _server.CommitOf(Repo);
        var newer = Encoding.UTF8.GetBytes("{\"model_type\":\"clip\",\"v\":2}");
        _server.AddRepo(Repo, new Dictionary<string, byte[]> { ["config.json"] = newer, ["onnx/model.onnx"] = Graph });
        _server.AddRepo(Repo, new Dictionary<string, byte[]> { ["config.json"] = Config, ["onnx/model.onnx"] = Graph }, commit: first, branch: "v1.0");
        using var hub = Hub();

        var main = await hub.DownloadAsync(Repo);
        var tagged = await hub.DownloadAsync(Repo, new ModelDownloadOptions { Revision = "v1.0" });
        var byCommit = await hub.DownloadAsync(Repo + "@" + first);

        Assert.NotEqual(first, main.Commit);
        Assert.Equal(newer, File.ReadAllBytes(Path.Combine(main.Path, "config.json")));
        Assert.Equal(first, tagged.Commit);
        Assert.Equal(Config, File.ReadAllBytes(Path.Combine(tagged.Path, "config.json")));
        Assert.Equal(first, File.ReadAllText(Path.Combine(_cache, "models--org--tiny", "refs", "v1.0")));
        Assert.Equal(tagged.Path, byCommit.Path);
        Assert.False(File.Exists(Path.Combine(_cache, "models--org--tiny", "refs", first)));

        // Both snapshots link the one blob of the unchanged graph.
        Assert.Single(Directory.GetFiles(Path.Combine(_cache, "models--org--tiny", "blobs"), FakeHub.Sha256(Graph)));
    }

    [Fact]
    public async Task FilesDownloadConcurrentlyUpToTheLimitAndReportProgress()
    {
        var files = new Dictionary<string, byte[]> { ["config.json"] = Config };
        for (int i = 0; i < 6; i++)
        {
            files[$"onnx/part{i}_model.onnx"] = Bytes(8000, 20 + i);
            _server.Slow[$"onnx/part{i}_model.onnx"] = 2000;
        }

        _server.AddRepo("org/many", files);
        var reports = new System.Collections.Concurrent.ConcurrentQueue<ModelDownloadProgress>();
        using var hub = Hub(o => o.MaxConcurrentDownloads = 3);
        var snapshot = await hub.DownloadAsync("org/many", progress: new SyncProgress(reports.Enqueue));

        Assert.Equal(7, snapshot.Files.Count);
        Assert.InRange(_server.MaxConcurrentBodies, 2, 3);
        Assert.Contains(reports, r => r.FilesDone == 7 && r.FileCount == 7);
        Assert.Contains(reports, r => r.FileName == "onnx/part3_model.onnx" && r.FileBytes is > 0 and < 8000 && r.FileLength == 8000);
    }

    [Theory]
    [InlineData("Xenova/clip-vit-base-patch32", true, "Xenova/clip-vit-base-patch32", null)]
    [InlineData("Xenova/clip-vit-base-patch32@v1.0", true, "Xenova/clip-vit-base-patch32", "v1.0")]
    [InlineData("hf:gpt2", true, "gpt2", null)]
    [InlineData("hf://openai/whisper-base@refs/pr/1", true, "openai/whisper-base", "refs/pr/1")]
    [InlineData("./models/tiny-clip", false, "", null)]
    [InlineData("/abs/owner/name", false, "", null)]
    [InlineData("a/b/c", false, "", null)]
    [InlineData("gpt2", false, "", null)]
    [InlineData("../x/y", false, "", null)]
    [InlineData("org/..", false, "", null)]
    public void RepoIdsAreToldFromPaths(string value, bool isRepo, string repoId, string? revision)
    {
        Assert.Equal(isRepo, HuggingFaceHub.TryParseRepoId(value, out var id, out var rev));
        Assert.Equal(repoId, id);
        Assert.Equal(revision, rev);
    }

    [Fact]
    public void AnExistingFolderIsAPathEvenWithTheShapeOfARepoId()
    {
        string owner = "hubtest-" + Guid.NewGuid().ToString("N")[..8];
        Assert.True(HuggingFaceHub.TryParseRepoId(owner + "/name", out _, out _));
        Directory.CreateDirectory(Path.Combine(Environment.CurrentDirectory, owner, "name"));
        try
        {
            Assert.False(HuggingFaceHub.TryParseRepoId(owner + "/name", out _, out _));
            Assert.True(HuggingFaceHub.TryParseRepoId("hf:" + owner + "/name", out var id, out _));
            Assert.Equal(owner + "/name", id);
        }
        finally
        {
            Directory.Delete(Path.Combine(Environment.CurrentDirectory, owner), recursive: true);
        }
    }

    [Fact]
    public void OptionsComeFromTheEnvironmentVariablesHuggingFaceHubReads()
    {
        var env = new Dictionary<string, string?> { ["HF_HOME"] = "/data/hf", ["HF_ENDPOINT"] = "http://mirror.local:8080/", ["HF_TOKEN"] = "hf_x", ["HF_HUB_OFFLINE"] = "1" };
        var options = new HuggingFaceHubOptions(n => env.GetValueOrDefault(n));
        Assert.Equal("http://mirror.local:8080", options.Endpoint);
        Assert.Equal(Path.Combine("/data/hf", "hub"), options.CacheDirectory);
        Assert.Equal("hf_x", options.Token);
        Assert.True(options.Offline);

        env["HF_HUB_CACHE"] = "/elsewhere";
        env["HF_HUB_OFFLINE"] = "0";
        options = new HuggingFaceHubOptions(n => env.GetValueOrDefault(n));
        Assert.Equal("/elsewhere", options.CacheDirectory);
        Assert.False(options.Offline);

        var defaults = new HuggingFaceHubOptions(_ => null);
        Assert.Equal(HuggingFaceHubOptions.DefaultEndpoint, defaults.Endpoint);
        Assert.EndsWith(Path.Combine(".cache", "huggingface", "hub"), defaults.CacheDirectory, StringComparison.Ordinal);
    }

    private HuggingFaceHub Hub(Action<HuggingFaceHubOptions>? configure = null)
    {
        var options = new HuggingFaceHubOptions(_ => null) { Endpoint = _server.Endpoint.ToString(), CacheDirectory = _cache };
        configure?.Invoke(options);
        return new HuggingFaceHub(options);
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private sealed class SyncProgress(Action<ModelDownloadProgress> report) : IProgress<ModelDownloadProgress>
    {
        public void Report(ModelDownloadProgress value) => report(value);
    }
}

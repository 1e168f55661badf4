using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Multimodal.Sdk;
using Multimodal.Sdk.Tests.Hub;

namespace Multimodal.Cli.Tests;

/// <summary>
/// The one-line path of the README: a tiny zoo model published on a (fake) hub, fetched with <c>mm download</c>, then
/// run by <c>mm classify --model owner/name</c> and by <c>AddClip("owner/name")</c>. <c>mm</c> reads the hub settings from
/// the environment (HF_ENDPOINT, HF_HOME, HF_HUB_OFFLINE) as Python does, so these tests set them for the process; no
/// other test reads them.
/// </summary>
[Collection(nameof(HubEnvironment))]
public sealed class DownloadTests : IAsyncLifetime
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "mm-download-tests", Guid.NewGuid().ToString("N"));
    private FakeHub _hub = null!;

    private static string BundledClip => Path.Combine(Mm.RepoRoot, "models", "tiny-clip");

    public async Task InitializeAsync()
    {
        _hub = await FakeHub.StartAsync();
        var files = Directory.EnumerateFiles(BundledClip, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(BundledClip, f).Replace(Path.DirectorySeparatorChar, '/'), File.ReadAllBytes);
        files["pytorch_model.bin"] = new byte[4096];
        _hub.AddRepo("zoo/tiny-clip", files);
        _hub.AddRepo("zoo/gated-clip", files, token: "hf_zoo");
        Environment.SetEnvironmentVariable("HF_ENDPOINT", _hub.Endpoint.ToString());
        Environment.SetEnvironmentVariable("HF_HOME", _home);
        Environment.SetEnvironmentVariable("HF_HUB_CACHE", null);
        Environment.SetEnvironmentVariable("HF_TOKEN", null);
        Environment.SetEnvironmentVariable("HF_HUB_OFFLINE", null);
    }

    public async Task DisposeAsync()
    {
        foreach (string name in new[] { "HF_ENDPOINT", "HF_HOME", "HF_HUB_OFFLINE" })
        {
            Environment.SetEnvironmentVariable(name, null);
        }

        await _hub.DisposeAsync();
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    [Fact]
    public async Task MmDownloadFetchesTheModelAndMmClassifyRunsItByRepoIdOffline()
    {
        var download = await Mm.RunAsync("download", "zoo/tiny-clip", "--json");
        Assert.True(download.ExitCode == 0, download.ToString());
        string path = download.Json.GetProperty("path").GetString()!;
        Assert.Equal(Path.Combine(_home, "hub", "models--zoo--tiny-clip", "snapshots", _hub.CommitOf("zoo/tiny-clip")), path);
        Assert.True(File.Exists(Path.Combine(path, "onnx", "model.onnx")));
        Assert.False(File.Exists(Path.Combine(path, "pytorch_model.bin")));

        string[] args = ["classify", "--image", Mm.Asset("large-blue-square.png"), Mm.Asset("large-yellow-cross.png"), "--labels", "red circle,blue square,yellow cross", "--json"];
        var bundled = await Mm.RunAsync([.. args, "--model", BundledClip]);
        int requests = _hub.Requests.Count;
        Environment.SetEnvironmentVariable("HF_HUB_OFFLINE", "1");
        var byRepo = await Mm.RunAsync([.. args, "--model", "zoo/tiny-clip"]);
        Environment.SetEnvironmentVariable("HF_HUB_OFFLINE", null);

        Assert.True(byRepo.ExitCode == 0, byRepo.ToString());
        Assert.Equal(bundled.Out, byRepo.Out);
        Assert.Equal(requests, _hub.Requests.Count);
        Assert.Contains("blue square", byRepo.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddClipTakesARepoIdAndEmbedsAsTheBundledFolderDoes()
    {
        string cache = Path.Combine(_home, "di-cache");
        var services = new ServiceCollection();
        services.AddMultimodal().UseCpu()
            .ConfigureHub(o => { o.Endpoint = _hub.Endpoint.ToString(); o.CacheDirectory = cache; })
            .AddClip("zoo/tiny-clip");
        services.AddMultimodal().AddClip("bundled", BundledClip);
        await using var provider = services.BuildServiceProvider();

        var fromHub = await provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync(["a blue square", "a yellow cross"]);
        var fromFolder = await provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("bundled").GenerateAsync(["a blue square", "a yellow cross"]);

        Assert.Equal(fromFolder[0].Vector.ToArray(), fromHub[0].Vector.ToArray());
        Assert.Equal(fromFolder[1].Vector.ToArray(), fromHub[1].Vector.ToArray());
        Assert.True(Directory.Exists(Path.Combine(cache, "models--zoo--tiny-clip", "snapshots", _hub.CommitOf("zoo/tiny-clip"))));
    }

    [Fact]
    public async Task MmDownloadExplainsGatedMissingAndOfflineFailuresWithTheirExitCodes()
    {
        var gated = await Mm.RunAsync("download", "zoo/gated-clip");
        Assert.Equal(5, gated.ExitCode);
        Assert.Contains("HF_TOKEN", gated.Error, StringComparison.Ordinal);

        var missing = await Mm.RunAsync("download", "zoo/no-such-model");
        Assert.Equal(4, missing.ExitCode);
        Assert.Contains("'zoo/no-such-model' was not found", missing.Error, StringComparison.Ordinal);

        Environment.SetEnvironmentVariable("HF_HUB_OFFLINE", "1");
        var offline = await Mm.RunAsync("download", "zoo/tiny-clip", "--precision", "q8");
        Environment.SetEnvironmentVariable("HF_HUB_OFFLINE", null);
        Assert.Equal(4, offline.ExitCode);
        Assert.Contains("HF_HUB_OFFLINE", offline.Error, StringComparison.Ordinal);

        var usage = await Mm.RunAsync("download", "zoo/tiny-clip", "--precision", "q3");
        Assert.Equal(2, usage.ExitCode);
    }
}

/// <summary>The tests that set the process's HF_* variables run one at a time.</summary>
[CollectionDefinition(nameof(HubEnvironment), DisableParallelization = true)]
public sealed class HubEnvironment;

// CPU vs CUDA throughput of the SDK's CLIP, captioning and Whisper pipelines at several batch sizes, after checking
// that CUDA really runs the graphs. Usage (tools/gpu/README in docs/bench/gpu.md):
//   GpuBench [--models DIR] [--providers cpu,cuda] [--batches 1,8,32] [--seconds 5] [--device 0] [--strict]
// --strict sets ONNX Runtime's session.disable_cpu_ep_fallback=1: a graph with any node CUDA cannot run fails to load.
// Without it, the check profiles one run per graph and fails when a compute node (MatMul, Conv, Gemm, attention,
// LayerNorm, Softmax) ran on the CPU. Exit codes: 0 ok, 1 CUDA check failed, 2 usage.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML.OnnxRuntime;
using Multimodal.Sdk;

var opts = Options.Parse(args);
if (opts is null)
{
    Console.Error.WriteLine("usage: GpuBench [--models DIR] [--providers cpu,cuda] [--batches 1,8,32] [--seconds 5] [--device 0] [--strict]");
    return 2;
}

Console.WriteLine($"GpuBench: ONNX Runtime {OrtEnv.Instance().GetVersionString()}, providers available: {string.Join(", ", OrtEnv.Instance().GetAvailableProviders())}");
Console.WriteLine($"models: {opts.Models}; batches: {string.Join(",", opts.Batches)}; {opts.Seconds} s per point");
var image = ImageData.FromBytes(File.ReadAllBytes(Path.Combine(opts.Assets, "large-blue-square.png")), "square");
var audio = AudioFile.Read(Path.Combine(opts.Assets, "speech-en-turn-on-the-blue-light.wav"));

if (opts.Providers.Contains("cuda"))
{
    int failures = CheckCuda(opts, image, audio);
    if (failures > 0)
    {
        Console.WriteLine($"CUDA check: FAIL ({failures} graph(s) ran compute nodes on the CPU or failed to load)");
        return 1;
    }

    Console.WriteLine("CUDA check: ok (every compute node ran on CUDA)");
}

Console.WriteLine();
Console.WriteLine("| pipeline | provider | batch | items/s | ms per batch |");
Console.WriteLine("|---|---|---:|---:|---:|");
var rates = new Dictionary<(string, string, int), double>();
foreach (var provider in opts.Providers)
{
    using var services = Build(opts, provider == "cuda" ? new BenchCudaProvider(opts.Device, opts.Strict, null) : null);
    var clip = services.GetRequiredService<IClipEncoder>();
    var captioner = services.GetRequiredService<IImageCaptioner>();
    var speech = services.GetRequiredService<ISpeechRecognizer>();
    foreach (int batch in opts.Batches)
    {
        var images = Enumerable.Repeat(image, batch).ToList();
        rates[("clip", provider, batch)] = await MeasureAsync("clip image", provider, batch, opts.Seconds, () => clip.EmbedImagesAsync(images));
        rates[("captioner", provider, batch)] = await MeasureAsync("captioner", provider, batch, opts.Seconds, () => captioner.CaptionAsync(images, new CaptionOptions { MaxNewTokens = 16 }));

        // Whisper transcribes one clip per call: a batch here is that many concurrent calls.
        rates[("whisper", provider, batch)] = await MeasureAsync("whisper", provider, batch, opts.Seconds, () =>
            Task.WhenAll(Enumerable.Range(0, batch).Select(_ => speech.TranscribeAsync(audio, new SpeechRecognitionOptions { Language = "en" }))));
    }
}

if (opts.Providers.Count == 2)
{
    Console.WriteLine();
    foreach (var ((pipeline, provider, batch), rate) in rates.Where(r => r.Key.Item2 == "cuda"))
    {
        Console.WriteLine($"{pipeline} batch {batch}: CUDA / CPU = {rate / rates[(pipeline, "cpu", batch)]:F2}x");
    }
}

return 0;

static ServiceProvider Build(Options opts, IOnnxExecutionProvider? provider)
{
    var services = new ServiceCollection();
    services.AddMultimodal(o => o.IntraOpThreads = opts.Threads)
        .AddClip(Path.Combine(opts.Models, "tiny-clip"))
        .AddImageCaptioner(Path.Combine(opts.Models, "tiny-captioner"))
        .AddSpeechRecognizer(Path.Combine(opts.Models, "tiny-whisper"));
    if (provider is not null)
    {
        services.AddSingleton(provider); // the last registered provider is the one sessions use
    }

    return services.BuildServiceProvider();
}

static async Task<double> MeasureAsync(string name, string provider, int batch, double seconds, Func<Task> run)
{
    await run(); // warm-up: session creation, CUDA kernels, arena growth
    var watch = Stopwatch.StartNew();
    int batches = 0;
    while (watch.Elapsed.TotalSeconds < seconds || batches < 2)
    {
        await run();
        batches++;
    }

    double perBatch = watch.Elapsed.TotalMilliseconds / batches;
    double rate = batch * 1000 / perBatch;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {provider} | {batch} | {rate:F1} | {perBatch:F1} |"));
    return rate;
}

// Profiles one run of every graph on CUDA and counts where each node ran.
static int CheckCuda(Options opts, ImageData image, AudioData audio)
{
    string dir = Path.Combine(Path.GetTempPath(), $"gpubench-profile-{Environment.ProcessId}");
    Directory.CreateDirectory(dir);
    try
    {
        using (var services = Build(opts, new BenchCudaProvider(opts.Device, opts.Strict, dir)))
        {
            services.GetRequiredService<IClipEncoder>().EmbedImagesAsync([image]).GetAwaiter().GetResult();
            services.GetRequiredService<IClipEncoder>().EmbedTextsAsync(["a blue square"]).GetAwaiter().GetResult();
            services.GetRequiredService<IImageCaptioner>().CaptionAsync([image], new CaptionOptions { MaxNewTokens = 4 }).GetAwaiter().GetResult();
            services.GetRequiredService<ISpeechRecognizer>().TranscribeAsync(audio, new SpeechRecognitionOptions { Language = "en", MaxNewTokens = 4 }).GetAwaiter().GetResult();
        }
    }
    catch (Exception e)
    {
        Console.WriteLine(opts.Strict
            ? $"CUDA check (strict): a graph could not run on CUDA alone: {e.Message}"
            : $"CUDA check: the graphs could not run on CUDA: {e.Message}");
        return 1;
    }

    int failures = 0;
    foreach (var file in Directory.GetFiles(dir, "*.json"))
    {
        var (byProvider, cpuCompute) = ProfileReport.Read(file);
        Console.WriteLine($"{Path.GetFileName(file)}: {string.Join(", ", byProvider.Select(kv => $"{kv.Key} {kv.Value} node runs"))}");
        if (cpuCompute.Count > 0)
        {
            Console.WriteLine($"  compute nodes on the CPU: {string.Join(", ", cpuCompute.Take(10))}");
            failures++;
        }

        if (!byProvider.ContainsKey("CUDAExecutionProvider"))
        {
            Console.WriteLine("  no node ran on CUDA");
            failures++;
        }
    }

    if (Directory.GetFiles(dir, "*.json").Length == 0)
    {
        Console.WriteLine("CUDA check: no profile was written");
        failures++;
    }

    return failures;
}

/// <summary>CUDA with the options the check needs: profiling into a folder, and ORT's no-CPU-fallback switch when strict.</summary>
internal sealed class BenchCudaProvider(int device, bool strict, string? profileFolder) : IOnnxExecutionProvider
{
    private static int s_sessions;

    public string Name => $"CUDA:{device}";

    public void Configure(SessionOptions options)
    {
        if (strict)
        {
            options.AddSessionConfigEntry("session.disable_cpu_ep_fallback", "1");
        }

        if (profileFolder is not null)
        {
            options.EnableProfiling = true;
            options.ProfileOutputPathPrefix = Path.Combine(profileFolder, $"graph{Interlocked.Increment(ref s_sessions)}");
        }

        options.AppendExecutionProvider_CUDA(device);
    }
}

/// <summary>Reads an ONNX Runtime profile (Chrome trace JSON): node runs per provider, and compute nodes that ran on the CPU.</summary>
internal static class ProfileReport
{
    private static readonly string[] ComputeOps = ["MatMul", "Gemm", "Conv", "Attention", "MultiHeadAttention", "LayerNormalization", "SkipLayerNormalization", "Softmax", "FusedMatMul", "BiasGelu", "FastGelu"];

    public static (SortedDictionary<string, int> ByProvider, List<string> CpuCompute) Read(string path)
    {
        var byProvider = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var cpu = new List<string>();
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            if (!e.TryGetProperty("cat", out var cat) || cat.GetString() != "Node" || !e.TryGetProperty("args", out var a)
                || !a.TryGetProperty("provider", out var p) || !a.TryGetProperty("op_name", out var op))
            {
                continue;
            }

            string provider = p.GetString() ?? "?";
            byProvider[provider] = byProvider.GetValueOrDefault(provider) + 1;
            if (provider == "CPUExecutionProvider" && ComputeOps.Contains(op.GetString()))
            {
                cpu.Add($"{e.GetProperty("name").GetString()} ({op.GetString()})");
            }
        }

        return (byProvider, cpu);
    }
}

internal sealed record Options(string Models, string Assets, List<string> Providers, List<int> Batches, double Seconds, int Device, bool Strict, int Threads)
{
    public static Options? Parse(string[] args)
    {
        string baseDir = AppContext.BaseDirectory;
        var o = new Options(Path.Combine(baseDir, "models"), Path.Combine(baseDir, "assets"), ["cpu", "cuda"], [1, 8, 32], 5, 0, false, Environment.ProcessorCount);
        for (int i = 0; i < args.Length; i++)
        {
            string? next = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--models" when next is not null: o = o with { Models = next }; i++; break;
                case "--assets" when next is not null: o = o with { Assets = next }; i++; break;
                case "--providers" when next is not null: o = o with { Providers = [.. next.Split(',')] }; i++; break;
                case "--batches" when next is not null: o = o with { Batches = [.. next.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))] }; i++; break;
                case "--seconds" when next is not null: o = o with { Seconds = double.Parse(next, CultureInfo.InvariantCulture) }; i++; break;
                case "--device" when next is not null: o = o with { Device = int.Parse(next, CultureInfo.InvariantCulture) }; i++; break;
                case "--threads" when next is not null: o = o with { Threads = int.Parse(next, CultureInfo.InvariantCulture) }; i++; break;
                case "--strict": o = o with { Strict = true }; break;
                default: return null;
            }
        }

        return o.Providers.All(p => p is "cpu" or "cuda") ? o : null;
    }
}

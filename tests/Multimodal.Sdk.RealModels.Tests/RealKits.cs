using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace Multimodal.Sdk.RealModels.Tests;

/// <summary>
/// The real export kits (<c>../shared/real-exports</c>: config, tokenizer and preprocessor files of published models,
/// byte for byte) and their contract stubs: model folders built by <c>tools/real/make_stubs.py</c> into
/// <c>artifacts/real-stubs</c> (git-ignored) with the kit's files unchanged plus small random ONNX graphs that have the
/// real exports' names, dtypes and dimensions.
/// </summary>
internal static class RealKits
{
    public const string Clip = "Xenova__clip-vit-base-patch32";
    public const string WhisperBase = "openai__whisper-base";
    public const string WhisperLargeV3 = "openai__whisper-large-v3";
    public const string VitGpt2 = "Xenova__vit-gpt2-image-captioning";
    public const string Llava = "llava-hf__llava-1.5-7b-hf";
    public const string SmolVlm = "HuggingFaceTB__SmolVLM-256M-Instruct";
    public const string BlipCaptioning = "Salesforce__blip-image-captioning-base";
    public const string BlipVqa = "Salesforce__blip-vqa-base";
    public const string MiniLm = "Xenova__all-MiniLM-L6-v2";

    private static readonly Lazy<string> Stubs = new(BuildStubs);
    private static readonly Lazy<JsonElement> TransformersJsReport = new(RunTransformersJs);

    public static string Root { get; } = typeof(RealKits).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepoRoot").Value!;

    /// <summary>Gets the kits folder: <c>MULTIMODAL_REAL_EXPORTS</c>, else <c>../shared/real-exports</c> beside the repository.</summary>
    public static string Folder { get; } = Path.GetFullPath(Environment.GetEnvironmentVariable("MULTIMODAL_REAL_EXPORTS") is { Length: > 0 } env
        ? env
        : Path.Combine(Root, "..", "shared", "real-exports"));

    public static string Kit(string kit) => Path.Combine(Folder, kit);

    public static string Fixture(params string[] parts) => Path.Combine([Root, "tests", "fixtures", .. parts]);

    /// <summary>Gets the stub model folder of a kit, building every stub once per test run.</summary>
    public static string Stub(string kit) => Path.Combine(Stubs.Value, kit);

    /// <summary>Gets what transformers.js produced on the stub of a kit (<c>tools/real/transformersjs.mjs</c>, run once per test run).</summary>
    public static JsonElement TransformersJs(string kit) => TransformersJsReport.Value.GetProperty(kit);

    public static string TransformersJsVersion => TransformersJsReport.Value.GetProperty("transformers_js").GetString()!;

    private static string BuildStubs()
    {
        string output = Path.Combine(Root, "artifacts", "real-stubs");
        string python = Environment.GetEnvironmentVariable("MULTIMODAL_PYTHON") is { Length: > 0 } p ? p
            : File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var (code, stdout, stderr) = Run(python, ["tools/real/make_stubs.py", "--kits", Folder, "--out", output]);
        if (code != 0)
        {
            Assert.Fail($"tools/real/make_stubs.py failed (exit {code}; it needs {python} with numpy and onnx: Debian python3-numpy python3-onnx, installed by tools/fetch-test-assets.sh):\n{stdout}{stderr}");
        }

        return output;
    }

    private static JsonElement RunTransformersJs()
    {
        string stubs = Stubs.Value;
        return RunNode("tools/real/transformersjs.mjs", stubs);
    }

    /// <summary>Runs a node script of tools/real (transformers.js from tools/zoo/node_modules) and parses its JSON output.</summary>
    public static JsonElement RunNode(string script, string argument)
    {
        if (!Directory.Exists(Path.Combine(Root, "tools", "zoo", "node_modules", "@huggingface", "transformers")))
        {
            Assert.Fail("transformers.js is missing (tools/zoo/node_modules/@huggingface/transformers): run tools/fetch-test-assets.sh");
        }

        var (code, stdout, stderr) = Run("node", [script, argument]);
        if (code != 0)
        {
            Assert.Fail($"node {script} failed (exit {code}):\n{stderr}");
        }

        return JsonDocument.Parse(stdout).RootElement.Clone();
    }

    private static (int Code, string Stdout, string Stderr) Run(string file, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.Result);
    }
}

/// <summary>A fact that skips, naming the missing folder, when the real export kits are not beside the repository.</summary>
public sealed class RealKitFactAttribute : FactAttribute
{
    public RealKitFactAttribute()
    {
        if (!Directory.Exists(RealKits.Folder))
        {
            Skip = $"The real export kits are not here: {RealKits.Folder} is missing (set MULTIMODAL_REAL_EXPORTS to the folder of ../shared/real-exports).";
        }
    }
}

/// <summary>A theory that skips, naming the missing folder, when the real export kits are not beside the repository.</summary>
public sealed class RealKitTheoryAttribute : TheoryAttribute
{
    public RealKitTheoryAttribute()
    {
        if (!Directory.Exists(RealKits.Folder))
        {
            Skip = $"The real export kits are not here: {RealKits.Folder} is missing (set MULTIMODAL_REAL_EXPORTS to the folder of ../shared/real-exports).";
        }
    }
}

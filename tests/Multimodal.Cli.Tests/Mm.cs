using System.Reflection;
using System.Text.Json;

namespace Multimodal.Cli.Tests;

/// <summary>One finished <c>mm</c> run: exit code, stdout and stderr.</summary>
internal sealed record MmRun(int ExitCode, string Out, string Error)
{
    public JsonElement Json => JsonDocument.Parse(Out).RootElement;

    public JsonElement[] Results => [.. Json.GetProperty("results").EnumerateArray()];

    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Error}";
}

/// <summary>Runs <c>mm</c> in-process with its bundled models and assets, as the tool's output folder lays them out.</summary>
internal static class Mm
{
    public static string Assets { get; } = Path.Combine(AppContext.BaseDirectory, "assets");

    public static string RepoRoot { get; } = typeof(Mm).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;

    public static string Asset(string name) => Path.Combine(Assets, name);

    public static Task<MmRun> RunAsync(params string[] args) => RunWithInputAsync(string.Empty, args);

    public static async Task<MmRun> RunWithInputAsync(string stdin, string[] args, CancellationToken cancellationToken = default)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var io = new CliConsole(new StringReader(stdin), output, error, inputIsTerminal: false, outputIsTerminal: false, errorIsTerminal: false, AppContext.BaseDirectory);
        int exit = await Program.RunAsync(args, io, cancellationToken);
        return new MmRun(exit, output.ToString(), error.ToString());
    }

    public static string[] Keys(JsonElement row) => [.. row.EnumerateObject().Select(p => p.Name)];
}

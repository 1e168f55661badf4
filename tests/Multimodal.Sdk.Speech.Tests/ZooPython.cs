using System.Diagnostics;

namespace Multimodal.Sdk.Speech.Tests;

/// <summary>
/// Runs the zoo's python tools, above all the speech-world generator (<c>tools/zoo/speech.py</c>: espeak-ng + sox +
/// numpy, deterministic for a seed) that the held-out proof set and the transformers.js parity clips are synthesised with.
/// </summary>
internal static class ZooPython
{
    // Debian's python3 with numpy; override where the generator's python lives elsewhere.
    private static readonly string Python = Environment.GetEnvironmentVariable("MULTIMODAL_ZOO_PYTHON") ?? "/usr/bin/python3";

    private const string Needs = "The speech tests synthesise their held-out clips with tools/zoo/speech.py; it needs Debian's python3 with numpy, "
        + "espeak-ng and sox (apt-get install espeak-ng sox python3-numpy), or MULTIMODAL_ZOO_PYTHON naming a python with numpy.";

    /// <summary>Runs <c>python3 ARGS</c> (a script of the repository and its arguments) in the repository root; a failure throws with its stderr.</summary>
    public static void Run(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(Python) { WorkingDirectory = TestData.Root, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Python}. {Needs}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Could not start {Python} ({e.Message}). {Needs}", e);
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{Python} {string.Join(' ', start.ArgumentList)} failed with exit code {process.ExitCode}: {stderr.Result.Trim()}\n{Needs}");
            }
        }
    }
}

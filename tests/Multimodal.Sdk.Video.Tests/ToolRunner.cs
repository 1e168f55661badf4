using System.Diagnostics;

namespace Multimodal.Sdk.Video.Tests;

/// <summary>
/// Runs the command-line tools the video tests make their clips with (ffmpeg, the zoo's generator). Also compiled into
/// the PostgreSQL tests, whose video moment clips are made the same way.
/// </summary>
internal static class ToolRunner
{
    /// <summary>Runs a program to completion in <paramref name="workingDirectory"/>; a failure throws with its stderr.</summary>
    public static void Run(string workingDirectory, string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = workingDirectory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"The video tests need {program}: run tools/fetch-test-assets.sh (Debian: apt-get install ffmpeg python3-numpy python3-pil espeak-ng sox).", e);
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed: {stderr.Result}");
            }
        }
    }

    /// <summary>ffmpeg, quiet and overwriting: <c>Ffmpeg("-f", "lavfi", "-i", ..., out)</c> (paths absolute).</summary>
    public static void Ffmpeg(params string[] args) =>
        Run(Environment.CurrentDirectory, "ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", .. args]);
}

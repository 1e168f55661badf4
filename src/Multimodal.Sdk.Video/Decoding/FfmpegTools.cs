namespace Multimodal.Sdk;

/// <summary>Finds <c>ffmpeg</c> and <c>ffprobe</c>: beside <see cref="MultimodalOptions.FfmpegPath"/> when it is set, else on <c>PATH</c>.</summary>
/// <remarks>Stateless; safe for concurrent use.</remarks>
internal static class FfmpegTools
{
    /// <summary>The one-line remedy every "ffmpeg missing" error carries.</summary>
    public const string InstallHint = "install it (Debian/Ubuntu: apt-get install ffmpeg; in this repository tools/fetch-test-assets.sh does) or set MultimodalOptions.FfmpegPath";

    /// <summary>Returns the paths of ffmpeg and ffprobe.</summary>
    /// <exception cref="InputDecodeException">Either program is missing; the message says how to install it.</exception>
    public static (string Ffmpeg, string Ffprobe) Locate(string? configured, string? pathVariable = null)
    {
        string? ffmpeg = FfmpegLocator.Find(configured, pathVariable);
        if (ffmpeg is null)
        {
            throw new InputDecodeException(string.IsNullOrWhiteSpace(configured)
                ? $"Video needs ffmpeg, which was not found on PATH: {InstallHint}."
                : $"Video needs ffmpeg, but MultimodalOptions.FfmpegPath '{configured}' does not exist: {InstallHint}.");
        }

        string name = OperatingSystem.IsWindows() ? "ffprobe.exe" : "ffprobe";
        string sibling = Path.Combine(Path.GetDirectoryName(ffmpeg) ?? ".", name);
        if (File.Exists(sibling))
        {
            return (ffmpeg, sibling);
        }

        pathVariable ??= Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (string dir in pathVariable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return (ffmpeg, candidate);
            }
        }

        throw new InputDecodeException($"Video needs ffprobe (part of ffmpeg) beside '{ffmpeg}' or on PATH: {InstallHint}.");
    }
}

using System.CommandLine;
using System.Globalization;
using Multimodal.Sdk;

namespace Multimodal.Cli;

/// <summary>
/// <c>mm video</c>: classify, describe, ask and find over video files (Multimodal.Sdk.Video; ffmpeg decodes). The
/// subcommands share <c>--video</c>, <c>--frames N</c> / <c>--every SECONDS</c>, <c>--model</c> and <c>--json</c>.
/// </summary>
internal static class VideoCommand
{
    public static readonly string[] VideoExtensions = [".mp4", ".m4v", ".mov", ".webm", ".mkv", ".avi", ".gif"];

    public static Command Create(CliConsole io) => new("video", "Video understanding: zero-shot classification, description, questions and moment search (needs ffmpeg).")
    {
        VideoClassifyCommand.Create(io),
        VideoDescribeCommand.Create(io),
        VideoAskCommand.Create(io),
        VideoFindCommand.Create(io),
    };

    /// <summary><c>--video F...</c>: video files, directories and globs.</summary>
    public static Option<string[]> Videos() =>
        CliOptions.Many("--video", "F", "Video files (MP4, MOV, WebM, MKV, AVI, GIF), directories of them or quoted globs, in any mix.", required: true);

    /// <summary><c>--frames N</c>: N frames evenly over each video.</summary>
    public static Option<int?> Frames(string defaultText) => CliOptions.PositiveInt("--frames", $"Sample N frames evenly over each video ({defaultText}).");

    /// <summary><c>--every SECONDS</c>: one frame every SECONDS.</summary>
    public static Option<float?> Every() => CliOptions.Number("--every", "Sample one frame every SECONDS instead (0.5 = two a second).", "SECONDS");

    /// <summary>The sampling <c>--frames</c> / <c>--every</c> ask for, or <paramref name="fallback"/> when neither is given.</summary>
    public static VideoSamplingOptions? Sampling(ParseResult parse, Option<int?> frames, Option<float?> every, VideoSamplingOptions? fallback)
    {
        var n = parse.GetValue(frames);
        var seconds = parse.GetValue(every);
        if (n is not null && seconds is not null)
        {
            throw new CliUsageException("give --frames N or --every SECONDS, not both");
        }

        if (seconds is { } s)
        {
            return s > 0 ? VideoSamplingOptions.Every(TimeSpan.FromSeconds(s)) : throw new CliUsageException("--every needs a number of seconds above 0");
        }

        return n is { } count ? VideoSamplingOptions.Uniform(count) : fallback;
    }

    /// <summary>The expanded <c>--video</c> files.</summary>
    public static List<string> Files(ParseResult parse, Option<string[]> option) => CliOptions.Expand(parse.GetValue(option) ?? [], VideoExtensions);

    /// <summary>Seconds as JSON numbers and table cells: three decimals (frames of a 1000 fps video stay apart).</summary>
    public static double Seconds(TimeSpan time) => Math.Round(time.TotalSeconds, 3);

    public static string Cell(TimeSpan time) => Seconds(time).ToString("0.###", CultureInfo.InvariantCulture);
}

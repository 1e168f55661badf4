using System.CommandLine;
using Multimodal.Sdk;

namespace Multimodal.Cli;

/// <summary><c>mm video find</c>: moment search, when what the text names is visible (every frame compared by default).</summary>
internal static class VideoFindCommand
{
    public static Command Create(CliConsole io)
    {
        var videos = VideoCommand.Videos();
        var text = new Option<string>("--text") { Description = "What to find: \"red circle\", or \"when does the red circle appear?\" (read start; for disappear, end).", HelpName = "Q", Required = true };
        var top = CliOptions.PositiveInt("--top", "At most N moments per video, best first (default: all).");
        var frames = VideoCommand.Frames("default: every frame");
        var every = VideoCommand.Every();
        var model = CliOptions.Model("tiny-clip");
        var json = CliOptions.Json();
        var command = new Command("find", "Moment search: the time ranges of each video where the text's subject is visible, with scores.")
        {
            videos, text, top, frames, every, model, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var files = VideoCommand.Files(parse, videos);
            string query = parse.GetValue(text) is { Length: > 0 } q && !string.IsNullOrWhiteSpace(q) ? q : throw new CliUsageException("video find needs --text \"...\"");
            var options = new MomentSearchOptions { Sampling = VideoCommand.Sampling(parse, frames, every, null), MaxMoments = parse.GetValue(top) };
            using var encoder = new ClipVideoEncoder(parse.GetValue(model) ?? io.BundledModel("tiny-clip"));
            return await Batch.RunAsync(io, parse.GetValue(json), files, "video", ["video", "start", "end", "score"], async (video, _) =>
            {
                var moments = await encoder.FindMomentsAsync(video, query, options, cancellationToken);
                return new BatchItem(
                    new { video, query, moments = moments.Select(m => new { start = VideoCommand.Seconds(m.Start), end = VideoCommand.Seconds(m.End), score = m.Score }) },
                    [.. moments.Select(m => new[] { video, VideoCommand.Cell(m.Start), VideoCommand.Cell(m.End), m.Score.ToString("F3", System.Globalization.CultureInfo.InvariantCulture) })]);
            }, cancellationToken);
        });
        return command;
    }
}

using System.CommandLine;
using Multimodal.Sdk;

namespace Multimodal.Cli;

/// <summary><c>mm video describe</c>: a description from the video-language model and a storyboard of captioned frames.</summary>
internal static class VideoDescribeCommand
{
    public static Command Create(CliConsole io)
    {
        var videos = VideoCommand.Videos();
        var frames = VideoCommand.Frames("default: one frame a second for the storyboard");
        var every = VideoCommand.Every();
        var model = CliOptions.Model("tiny-video-vlm");
        var captioner = CliOptions.Path("--captioner", "The image-captioning model folder for the storyboard (default: the bundled tiny-captioner).");
        var json = CliOptions.Json();
        var command = new Command("describe", "Describe each video (video-language model) with a storyboard: captions of sampled frames with their times, repeats merged.")
        {
            videos, frames, every, model, captioner, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var files = VideoCommand.Files(parse, videos);
            var sampling = VideoCommand.Sampling(parse, frames, every, VideoSamplingOptions.Every(TimeSpan.FromSeconds(1)));
            using var qa = new VideoQa(parse.GetValue(model) ?? io.BundledModel("tiny-video-vlm"));
            using var storyboard = new VideoCaptioner(parse.GetValue(captioner) ?? io.BundledModel("tiny-captioner"));
            return await Batch.RunAsync(io, parse.GetValue(json), files, "video", ["video", "time", "text"], async (video, _) =>
            {
                string description = await qa.DescribeAsync(video, cancellationToken: cancellationToken);
                var board = await storyboard.CaptionAsync(video, new VideoCaptionOptions { Sampling = sampling }, cancellationToken);
                return new BatchItem(
                    new { video, description, frames = board.Entries.Select(e => new { time = VideoCommand.Seconds(e.Start), caption = e.Caption }) },
                    [[video, string.Empty, description], .. board.Entries.Select(e => new[] { string.Empty, VideoCommand.Cell(e.Start), e.Caption })]);
            }, cancellationToken);
        });
        return command;
    }
}

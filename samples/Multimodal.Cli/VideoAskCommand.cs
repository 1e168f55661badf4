using System.CommandLine;
using Multimodal.Sdk;

namespace Multimodal.Cli;

/// <summary><c>mm video ask</c>: questions about videos with the video-language model, each video encoded once for all its questions.</summary>
internal static class VideoAskCommand
{
    public static Command Create(CliConsole io)
    {
        var videos = VideoCommand.Videos();
        var questions = CliOptions.Many("--question", "Q", "The questions, asked of every video (one row per video x question).", required: true);
        var maxTokens = CliOptions.PositiveInt("--max-tokens", "At most N answer tokens.");
        var model = CliOptions.Model("tiny-video-vlm");
        var json = CliOptions.Json();
        var command = new Command("ask", "Video question answering: every question about every video (frames sampled as the model's processor does).")
        {
            videos, questions, maxTokens, model, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var files = VideoCommand.Files(parse, videos);
            var asked = parse.GetValue(questions) ?? [];
            if (asked.Length == 0 || asked.Any(string.IsNullOrWhiteSpace))
            {
                throw new CliUsageException("video ask needs --question \"...\" (one or more, none empty)");
            }

            var options = new VisualQaOptions { MaxNewTokens = parse.GetValue(maxTokens) };
            using var qa = new VideoQa(parse.GetValue(model) ?? io.BundledModel("tiny-video-vlm"));
            return await Batch.RunAsync(io, parse.GetValue(json), files, "video", ["video", "question", "answer"], async (video, _) =>
            {
                var answers = await qa.AnswerAsync(video, asked, options, cancellationToken);
                return new BatchItem(
                    answers.Select(a => new { video, question = a.Question, answer = a.Answer }).ToList(),
                    [.. answers.Select(a => new[] { video, a.Question, a.Answer })]);
            }, cancellationToken, flatten: true);
        });
        return command;
    }
}

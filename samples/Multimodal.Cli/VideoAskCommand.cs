using System.CommandLine;
using System.Globalization;
using Multimodal.Sdk;

namespace Multimodal.Cli;

/// <summary>
/// <c>mm video ask</c>: questions about videos with the video-language model, each video encoded once for all its
/// questions; "when does the {object} appear?" / "... disappear?" is answered by moment search (CLIP over every frame)
/// with the event time in seconds.
/// </summary>
internal static class VideoAskCommand
{
    public static Command Create(CliConsole io)
    {
        var videos = VideoCommand.Videos();
        var questions = CliOptions.Many("--question", "Q", "The questions, asked of every video (one row per video x question).", required: true);
        var maxTokens = CliOptions.PositiveInt("--max-tokens", "At most N answer tokens.");
        var model = CliOptions.Model("tiny-video-vlm");
        var clip = new Option<string>("--clip") { Description = "The CLIP model folder that answers \"when does ... appear/disappear?\" by moment search (default: the bundled tiny-clip).", HelpName = "DIR" };
        var json = CliOptions.Json();
        var command = new Command("ask", "Video question answering: every question about every video (frames sampled as the model's processor does).")
        {
            videos, questions, maxTokens, model, clip, json,
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
            var byKind = asked.ToLookup(VideoEncoderExtensions.IsEventQuery);
            string[] moments = [.. byKind[true]];
            string[] others = [.. byKind[false]];
            using var qa = others.Length > 0 ? new VideoQa(parse.GetValue(model) ?? io.BundledModel("tiny-video-vlm")) : null;
            using var encoder = moments.Length > 0 ? new ClipVideoEncoder(parse.GetValue(clip) ?? io.BundledModel("tiny-clip")) : null;
            return await Batch.RunAsync(io, parse.GetValue(json), files, "video", ["video", "question", "answer"], async (video, _) =>
            {
                var answers = new Dictionary<string, string>(StringComparer.Ordinal);
                if (qa is not null)
                {
                    foreach (var a in await qa.AnswerAsync(video, others, options, cancellationToken))
                    {
                        answers[a.Question] = a.Answer;
                    }
                }

                if (encoder is not null)
                {
                    var embedded = await encoder.EmbedVideoAsync(video, new VideoEmbeddingOptions { Sampling = VideoSamplingOptions.AllFrames() }, cancellationToken);
                    foreach (string q in moments)
                    {
                        var best = (await encoder.FindMomentsAsync(embedded, q, new MomentSearchOptions { MaxMoments = 1 }, cancellationToken))[0];
                        answers[q] = best.Start.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
                    }
                }

                return new BatchItem(
                    asked.Select(q => new { video, question = q, answer = answers[q] }).ToList(),
                    [.. asked.Select(q => new[] { video, q, answers[q] })]);
            }, cancellationToken, flatten: true);
        });
        return command;
    }
}

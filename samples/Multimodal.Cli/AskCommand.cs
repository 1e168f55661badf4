using System.CommandLine;
using Multimodal.Sdk;

namespace Multimodal.Cli;

/// <summary><c>mm ask</c>: visual question answering, each image encoded once for all its questions.</summary>
internal static class AskCommand
{
    public static Command Create(CliConsole io)
    {
        var images = CliOptions.Images();
        var questions = CliOptions.Many("--question", "Q", "The questions, asked of every image (one row per image x question).", required: true);
        var maxTokens = CliOptions.PositiveInt("--max-tokens", "At most N answer tokens.");
        var model = CliOptions.Model("tiny-vlm");
        var json = CliOptions.Json();
        var command = new Command("ask", "Visual question answering: every question about every image.")
        {
            images, questions, maxTokens, model, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var files = parse.ImageFiles(images);
            var asked = parse.GetValue(questions) ?? [];
            if (asked.Length == 0 || asked.Any(string.IsNullOrWhiteSpace))
            {
                throw new CliUsageException("ask needs --question \"...\" (one or more, none empty)");
            }

            var qaOptions = new VisualQaOptions { MaxNewTokens = parse.GetValue(maxTokens) };
            // The library answers one image at a time (encoded once for all its questions): one image per call, one
            // call per core in flight. The rows are flattened to one per image x question.
            var plan = BatchPlan.For(files.Count, maxChunk: 1);
            using var qa = new VisualQa(parse.GetValue(model) ?? io.BundledModel("tiny-vlm"), plan.SessionOptions);
            return await Batch.RunBatchedAsync(
                io, parse.GetValue(json), files, plan, "image", ["image", "question", "answer"],
                async (chunk, token) => (IReadOnlyList<IReadOnlyList<VisualQaResult>>)[await qa.AnswerAsync(ImageData.FromFile(chunk[0]), asked, qaOptions, token)],
                (image, answers) => new BatchItem(
                    answers.Select(a => new { image, question = a.Question, answer = a.Answer }).ToList(),
                    [.. answers.Select(a => new[] { image, a.Question, a.Answer })]),
                cancellationToken,
                flatten: true);
        });
        return command;
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Multimodal.Sdk;

namespace Multimodal.Cli;

/// <summary>
/// <c>mm video find</c>: moment search, when what the text names is visible (every frame compared by default). Per
/// video by default; <c>--ranked</c> ranks the moments of all the videos together through a retrieval index (in memory,
/// or kept in <c>--index DIR</c> / <c>--store URI</c>, where later runs search without re-embedding).
/// </summary>
internal static class VideoFindCommand
{
    public static Command Create(CliConsole io)
    {
        var videos = CliOptions.Many("--video", "F", "Video files (MP4, MOV, WebM, MKV, AVI, GIF), directories of them or quoted globs, in any mix (with --index/--store: added first; optional).");
        var text = new Option<string>("--text") { Description = "What to find: \"red circle\", or \"when does the red circle appear?\" (read start; for disappear, end).", HelpName = "Q", Required = true };
        var top = CliOptions.PositiveInt("--top", "At most N moments per video, best first (default: all); with --ranked, N moments in all (default 10).");
        var frames = VideoCommand.Frames("default: every frame");
        var every = VideoCommand.Every();
        var ranked = CliOptions.Flag("--ranked", "Rank the moments of all the videos together, through a retrieval index of their frames (in memory unless --index/--store).");
        var index = CliOptions.Path("--index", "Keep the frame embeddings in this index folder (mm index's format; implies --ranked): unchanged videos are not embedded again, and --video may be left out to search everything in it.");
        var store = StoreOption.Create();
        store.Description = "Keep the frame embeddings on a PostgreSQL server with pgvector instead of --index (implies --ranked; docs/retrieval.md).";
        var model = CliOptions.Model("tiny-clip");
        var json = CliOptions.Json();
        var command = new Command("find", "Moment search: the time ranges of each video where the text's subject is visible, with scores (--ranked: over all the videos together).")
        {
            videos, text, top, frames, every, ranked, index, store, model, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var files = VideoCommand.Files(parse, videos);
            string query = parse.GetValue(text) is { Length: > 0 } q && !string.IsNullOrWhiteSpace(q) ? q : throw new CliUsageException("video find needs --text \"...\"");
            bool kept = parse.GetValue(index) is not null || parse.GetValue(store) is not null;
            if (files.Count == 0 && !kept)
            {
                throw new CliUsageException("video find needs --video F... (or --index DIR / --store URI to search what is indexed)");
            }

            var sampling = VideoCommand.Sampling(parse, frames, every, null);
            using var encoder = new ClipVideoEncoder(parse.GetValue(model) ?? io.BundledModel("tiny-clip"));
            if (kept || parse.GetValue(ranked))
            {
                return await RankedAsync(io, parse, kept ? StoreOption.Open(parse, index, store, write: true) : EmbeddedRetrievalStore.CreateInMemory(), encoder, files, query, sampling, parse.GetValue(top), parse.GetValue(json), cancellationToken);
            }

            var options = new MomentSearchOptions { Sampling = sampling, MaxMoments = parse.GetValue(top) };
            return await Batch.RunAsync(io, parse.GetValue(json), files, "video", ["video", "start", "end", "score"], async (video, _) =>
            {
                var moments = await encoder.FindMomentsAsync(video, query, options, cancellationToken);
                return new BatchItem(
                    new { video, query, moments = moments.Select(m => new { start = VideoCommand.Seconds(m.Start), end = VideoCommand.Seconds(m.End), score = m.Score }) },
                    [.. moments.Select(m => new[] { video, VideoCommand.Cell(m.Start), VideoCommand.Cell(m.End), m.Score.ToString("F3", CultureInfo.InvariantCulture) })]);
            }, cancellationToken);
        });
        return command;
    }

    // {"results":[{"query","moments":[{"video","start","end","score"}]}]}: one result per query as mm search prints, the
    // moments of every video ranked together. A video that cannot be read is an error line (exit code 3), the rest go on.
    private static async Task<int> RankedAsync(
        CliConsole io, ParseResult parse, IRetrievalStore opened, ClipVideoEncoder encoder, List<string> files, string query,
        VideoSamplingOptions? sampling, int? top, bool json, CancellationToken cancellationToken)
    {
        using var store = opened;
        var index = new VideoMomentIndex(encoder, store);
        int exit = 0;
        foreach (var video in files)
        {
            try
            {
                await StoreOption.Call(store, () => index.AddVideoAsync(video, sampling, cancellationToken));
            }
            catch (Exception ex) when (Batch.InputError(ex, video) is { } message)
            {
                io.Error.WriteLine($"error: {message}");
                exit = 3;
            }
        }

        var moments = await StoreOption.Call(store, () => index.FindMomentsAsync(query, new VideoMomentSearchOptions { Top = top ?? 10 }, cancellationToken));
        var rows = moments.Select(m => new { video = m.Video, start = VideoCommand.Seconds(m.Start), end = VideoCommand.Seconds(m.End), score = m.Score }).ToList();
        if (json)
        {
            io.Out.WriteLine(JsonSerializer.Serialize(new { results = new[] { new { query, moments = rows } } }, Batch.Json));
        }
        else
        {
            Batch.WriteTable(io, ["rank", "video", "start", "end", "score"], rows.Select((m, i) => new[]
            {
                (i + 1).ToString(CultureInfo.InvariantCulture), m.video, m.start.ToString("0.###", CultureInfo.InvariantCulture), m.end.ToString("0.###", CultureInfo.InvariantCulture), m.score.ToString("F3", CultureInfo.InvariantCulture),
            }));
        }

        return exit;
    }
}

using System.Text.Encodings.Web;
using System.Text.Json;
using Multimodal.Sdk;
using Spectre.Console;

namespace Multimodal.Cli;

/// <summary>One input's result: its JSON row and its lines in the human table.</summary>
internal sealed record BatchItem(object Row, IReadOnlyList<string[]> Cells);

/// <summary>
/// How a batch command splits its inputs: chunks of at most the library's batch size, spread over one worker per core,
/// each model run on one thread when several workers share the cores (ONNX Runtime's own thread pool otherwise).
/// </summary>
/// <param name="ChunkSize">Inputs per library call.</param>
/// <param name="Workers">Chunks in flight at once.</param>
internal sealed record BatchPlan(int ChunkSize, int Workers)
{
    /// <summary>Plans <paramref name="inputs"/> inputs in chunks of at most <paramref name="maxChunk"/> on this machine's cores.</summary>
    public static BatchPlan For(int inputs, int maxChunk, int? cores = null)
    {
        int workers = Math.Clamp(Math.Min(cores ?? Environment.ProcessorCount, inputs), 1, 64);
        int chunk = Math.Clamp((inputs + workers - 1) / workers, 1, maxChunk);
        return new BatchPlan(chunk, Math.Max(1, Math.Min(workers, (inputs + chunk - 1) / chunk)));
    }

    /// <summary>Gets the session options: one thread per model run when the workers already fill the cores.</summary>
    public MultimodalOptions SessionOptions => new() { IntraOpThreads = Workers > 1 ? 1 : 0 };
}

/// <summary>
/// The per-input loop every batch command shares: one JSON row (or table rows) per input; an input that cannot be
/// read or decoded becomes an error row and a line on stderr (exit code 3) while the others go on.
/// </summary>
internal static class Batch
{
    public static readonly JsonSerializerOptions Json = new() { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Runs <paramref name="work"/> on each input.</summary>
    /// <param name="io">The console.</param>
    /// <param name="json">Print one JSON object (<c>--json</c>) instead of a table.</param>
    /// <param name="inputs">The inputs, in order.</param>
    /// <param name="key">The JSON field naming the input in an error row (<c>image</c>, <c>audio</c>, <c>input</c>).</param>
    /// <param name="columns">The human table's columns.</param>
    /// <param name="work">The work on one input; its second argument reports progress within the input (0..1), or is <see langword="null"/> when no bar is drawn.</param>
    /// <param name="cancellationToken">Cancels the loop.</param>
    /// <param name="flatten">The work returns a list of rows per input (ask: one row per image x question).</param>
    /// <returns>0, or 3 when some input failed.</returns>
    public static async Task<int> RunAsync(
        CliConsole io, bool json, IReadOnlyList<string> inputs, string key, string[] columns,
        Func<string, Action<double>?, Task<BatchItem>> work, CancellationToken cancellationToken, bool flatten = false)
    {
        var rows = new List<object>();
        var cells = new List<string[]>();
        var errors = new List<string>();
        bool progress = !json && io.ErrorIsTerminal && (inputs.Count > 1 || key == "audio");

        async Task ProcessAsync(Action<int, double>? report)
        {
            for (int i = 0; i < inputs.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                string input = inputs[i];
                int index = i;
                try
                {
                    var item = await work(input, report is null ? null : f => report(index, f));
                    if (flatten && item.Row is System.Collections.IEnumerable many)
                    {
                        rows.AddRange(many.Cast<object>());
                    }
                    else
                    {
                        rows.Add(item.Row);
                    }

                    cells.AddRange(item.Cells);
                }
                catch (Exception ex) when (InputError(ex, input) is { } message)
                {
                    rows.Add(new Dictionary<string, string> { [key] = input, ["error"] = message });
                    errors.Add(message);
                    if (!progress)
                    {
                        io.Error.WriteLine($"error: {message}");
                    }
                }

                report?.Invoke(index, 1);
            }
        }

        if (progress)
        {
            await io.CreateProgressConsole().Progress().AutoClear(true).HideCompleted(true).StartAsync(async context =>
            {
                var task = context.AddTask(key == "audio" ? "audio" : $"{key}s", maxValue: inputs.Count);
                await ProcessAsync((index, fraction) => task.Value = index + Math.Clamp(fraction, 0, 1));
            });
            foreach (var message in errors)
            {
                io.Error.WriteLine($"error: {message}");
            }
        }
        else
        {
            await ProcessAsync(null);
        }

        if (json)
        {
            io.Out.WriteLine(JsonSerializer.Serialize(new { results = rows }, Json));
        }
        else if (cells.Count > 0)
        {
            WriteTable(io, columns, cells);
        }

        return errors.Count > 0 ? 3 : 0;
    }

    /// <summary>
    /// Runs <paramref name="work"/> on chunks of the inputs, several chunks at a time: while one worker waits on the
    /// model, the others read, decode and preprocess their images (the library does that inside each batched call), so
    /// decoding overlaps inference on every core. At most <see cref="BatchPlan.Workers"/> chunks are in flight. Rows
    /// and error lines still come out in input order. A chunk that fails on an input error is retried one input at a
    /// time, so only the bad inputs become error rows.
    /// </summary>
    /// <typeparam name="TResult">One input's result from the library.</typeparam>
    /// <param name="io">The console.</param>
    /// <param name="json">Print one JSON object (<c>--json</c>) instead of a table.</param>
    /// <param name="inputs">The inputs, in order.</param>
    /// <param name="plan">The chunk size and the number of workers.</param>
    /// <param name="key">The JSON field naming the input in an error row.</param>
    /// <param name="columns">The human table's columns.</param>
    /// <param name="work">The batched library call: one result per input, in order.</param>
    /// <param name="item">One input's row and table cells from its result.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <param name="flatten">The row is a list of rows (ask: one row per image x question).</param>
    /// <returns>0, or 3 when some input failed.</returns>
    public static async Task<int> RunBatchedAsync<TResult>(
        CliConsole io, bool json, IReadOnlyList<string> inputs, BatchPlan plan, string key, string[] columns,
        Func<IReadOnlyList<string>, CancellationToken, Task<IReadOnlyList<TResult>>> work, Func<string, TResult, BatchItem> item,
        CancellationToken cancellationToken, bool flatten = false)
    {
        int chunks = (inputs.Count + plan.ChunkSize - 1) / plan.ChunkSize;
        var done = new (BatchItem? Item, string? Error)[inputs.Count];
        var finished = new bool[chunks];
        int flushed = 0;
        var gate = new Lock();
        bool progress = !json && io.ErrorIsTerminal && inputs.Count > 1;
        var errors = new List<string>();

        async Task ChunkAsync(int c, CancellationToken token, Action<int>? report)
        {
            int start = c * plan.ChunkSize;
            var chunk = inputs.Skip(start).Take(plan.ChunkSize).ToList();
            try
            {
                var results = await work(chunk, token).ConfigureAwait(false);
                for (int i = 0; i < chunk.Count; i++)
                {
                    done[start + i] = (item(chunk[i], results[i]), null);
                }
            }
            catch (Exception ex) when (chunk.Count > 1 && InputError(ex, chunk[0]) is not null)
            {
                for (int i = 0; i < chunk.Count; i++)
                {
                    try
                    {
                        done[start + i] = (item(chunk[i], (await work([chunk[i]], token).ConfigureAwait(false))[0]), null);
                    }
                    catch (Exception one) when (InputError(one, chunk[i]) is { } message)
                    {
                        done[start + i] = (null, message);
                    }
                }
            }
            catch (Exception ex) when (InputError(ex, chunk[0]) is { } message)
            {
                done[start] = (null, message);
            }

            report?.Invoke(chunk.Count);
            lock (gate)
            {
                // Error lines in input order: flush every chunk finished in a row from the first one not flushed yet.
                finished[c] = true;
                for (; flushed < chunks && finished[flushed]; flushed++)
                {
                    foreach (var (_, error) in done.AsSpan(flushed * plan.ChunkSize, Math.Min(plan.ChunkSize, inputs.Count - (flushed * plan.ChunkSize))))
                    {
                        if (error is not null)
                        {
                            errors.Add(error);
                            if (!progress)
                            {
                                io.Error.WriteLine($"error: {error}");
                            }
                        }
                    }
                }
            }
        }

        Task RunAllAsync(Action<int>? report) => Parallel.ForEachAsync(
            Enumerable.Range(0, chunks),
            new ParallelOptions { MaxDegreeOfParallelism = plan.Workers, CancellationToken = cancellationToken },
            (c, token) => new ValueTask(ChunkAsync(c, token, report)));

        if (progress)
        {
            await io.CreateProgressConsole().Progress().AutoClear(true).HideCompleted(true).StartAsync(async context =>
            {
                var task = context.AddTask($"{key}s", maxValue: inputs.Count);
                await RunAllAsync(n => task.Increment(n));
            });
            foreach (var message in errors)
            {
                io.Error.WriteLine($"error: {message}");
            }
        }
        else
        {
            await RunAllAsync(null);
        }

        var rows = new List<object>();
        var cells = new List<string[]>();
        for (int i = 0; i < inputs.Count; i++)
        {
            if (done[i].Item is { } result)
            {
                if (flatten && result.Row is System.Collections.IEnumerable many)
                {
                    rows.AddRange(many.Cast<object>());
                }
                else
                {
                    rows.Add(result.Row);
                }

                cells.AddRange(result.Cells);
            }
            else
            {
                rows.Add(new Dictionary<string, string> { [key] = inputs[i], ["error"] = done[i].Error! });
            }
        }

        if (json)
        {
            io.Out.WriteLine(JsonSerializer.Serialize(new { results = rows }, Json));
        }
        else if (cells.Count > 0)
        {
            WriteTable(io, columns, cells);
        }

        return errors.Count > 0 ? 3 : 0;
    }

    public static void WriteTable(CliConsole io, string[] columns, IEnumerable<string[]> cells)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(new Text(column)));
        }

        foreach (var row in cells)
        {
            table.AddRow(row.Select(c => (Spectre.Console.Rendering.IRenderable)new Text(c)).ToArray());
        }

        io.CreateTableConsole().Write(table);
    }

    /// <summary>The one-line message for an input that cannot be read or decoded; <see langword="null"/> for anything else.</summary>
    public static string? InputError(Exception ex, string input) => ex switch
    {
        CliOutputException => OneLine(ex.Message),
        InputDecodeException or InputTooLargeException => OneLine(ex.Message.Contains(input, StringComparison.Ordinal) ? ex.Message : $"'{input}': {ex.Message}"),
        FileNotFoundException or DirectoryNotFoundException => $"'{input}' does not exist",
        UnauthorizedAccessException or IOException when Directory.Exists(input) => $"'{input}' is a directory with no files of a supported kind in it",
        UnauthorizedAccessException or IOException => OneLine($"'{input}' cannot be read: {ex.Message}"),
        _ => null,
    };

    /// <summary>One line per error row: ffmpeg's and other tools' multi-line messages joined with spaces.</summary>
    public static string OneLine(string message) => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
}

using System.Text.Encodings.Web;
using System.Text.Json;
using Multimodal.Sdk;
using Spectre.Console;

namespace Multimodal.Cli;

/// <summary>One input's result: its JSON row and its lines in the human table.</summary>
internal sealed record BatchItem(object Row, IReadOnlyList<string[]> Cells);

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
        InputDecodeException or InputTooLargeException => ex.Message.Contains(input, StringComparison.Ordinal) ? ex.Message : $"'{input}': {ex.Message}",
        FileNotFoundException or DirectoryNotFoundException => $"'{input}' does not exist",
        UnauthorizedAccessException or IOException => $"'{input}' cannot be read: {ex.Message}",
        _ => null,
    };
}

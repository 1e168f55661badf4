using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Multimodal.Sdk;

namespace Multimodal.Cli;

/// <summary>
/// <c>mm</c>: the SDK's command line, on System.CommandLine. Exit codes: 0 success, 2 usage error, 3 an input could
/// not be read or decoded (the others are still processed), 4 model folder missing or incompatible, 5 a model download
/// failed (access refused, network, checksum), 130 cancelled.
/// </summary>
internal static class Program
{
    /// <summary>
    /// Every <c>mm</c> command, in help order. Each file builds its own <see cref="Command"/> (options, help text,
    /// action); a new command is a new file plus one line here.
    /// </summary>
    private static readonly Func<CliConsole, Command>[] Commands =
    [
        DemoCommand.Create,
        ClassifyCommand.Create,
        CaptionCommand.Create,
        EmbedCommand.Create,
        AskCommand.Create,
        ChatCommand.Create,
        TranscribeCommand.Create,
        VideoCommand.Create,
        VadCommand.Create,
        OcrCommand.Create,
        EvalCommand.Create,
        IndexCommand.Create,
        SearchCommand.Create,
        FilterCommand.Create,
        DownloadCommand.Create,
    ];

    private const string Epilogue =
        """
        Inputs may be files, directories or quoted globs. --json prints machine-readable results.
        Exit codes: 0 ok, 2 usage, 3 an input could not be read or decoded (the others are still processed),
        4 model folder missing or incompatible, 5 download failed, 130 cancelled. Documentation: docs/cli.md.
        Completion: mm [suggest:POSITION] "mm cla" (dotnet-suggest; docs/cli.md).
        """;

    private static async Task<int> Main(string[] args)
    {
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // The first Ctrl+C cancels cleanly (exit code 130); the running step finishes, nothing is left half-written.
            e.Cancel = true;
            cts.Cancel();
        };

        return await RunAsync(args, CliConsole.FromProcess(), cts.Token);
    }

    /// <summary>Builds the whole command tree: the root, every command of <see cref="Commands"/>, help and completion.</summary>
    /// <param name="io">Where the commands read and write.</param>
    /// <returns>The root command.</returns>
    public static RootCommand CreateRoot(CliConsole io)
    {
        // HelpName: help says "mm" however the program was started (dotnet mm.dll, a test host).
        var root = new RootCommand("mm: Multimodal.Sdk on the command line (bundled tiny models unless --model DIR is given).") { HelpName = "mm" };
        foreach (var create in Commands)
        {
            root.Add(create(io));
        }

        if (root.Options.OfType<HelpOption>().FirstOrDefault() is { Action: HelpAction help } option)
        {
            option.Action = new RootHelpAction(help);
        }

        return root;
    }

    /// <summary>Runs one <c>mm</c> command line; the tests call this in-process.</summary>
    /// <param name="args">The arguments, command first.</param>
    /// <param name="io">Where to read and write.</param>
    /// <param name="cancellationToken">Cancels the command (exit code 130).</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(string[] args, CliConsole io, CancellationToken cancellationToken)
    {
        // `mm help [command]` reads as `mm [command] --help`.
        if (args is ["help", .. var rest])
        {
            args = [.. rest, "--help"];
        }

        var root = CreateRoot(io);
        var parse = root.Parse(args);
        if (args.Length == 0)
        {
            // No command: the overview, as a usage error (a script that forgot its command should not pass).
            await root.Parse(["--help"]).InvokeAsync(new InvocationConfiguration { Output = io.Out, Error = io.Error }, CancellationToken.None);
            return 2;
        }

        if (parse.Action is ParseErrorAction)
        {
            foreach (var error in parse.Errors)
            {
                io.Error.WriteLine($"error: {error.Message}");
            }

            io.Error.WriteLine($"run '{HelpCommandLine(parse)} --help' for usage");
            return 2;
        }

        try
        {
            var configuration = new InvocationConfiguration
            {
                Output = io.Out,
                Error = io.Error,
                // mm's own handlers below map each failure to its exit code; Main owns Ctrl+C.
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            };
            return await parse.InvokeAsync(configuration, cancellationToken);
        }
        catch (CliUsageException ex)
        {
            return Usage(io, ex.Message, HelpCommandLine(parse));
        }
        catch (CliInputException ex)
        {
            io.Error.WriteLine($"error: {ex.Message}");
            return 3;
        }
        catch (Exception ex) when (ex is ModelNotFoundException or ModelIncompatibleException)
        {
            io.Error.WriteLine($"error: {OneLine(ex.Message)}");
            return 4;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            io.Error.WriteLine("cancelled");
            return 130;
        }
        catch (ArgumentException ex)
        {
            // The SDK validates option values (a temperature below 0, more returned sequences than beams ...).
            return Usage(io, OneLine(ex.Message), HelpCommandLine(parse));
        }
        catch (ModelDownloadException ex)
        {
            // The hub refused (gated: the message names HF_TOKEN) or the transfer failed; the cache keeps what resumes.
            io.Error.WriteLine($"error: {OneLine(ex.Message)}");
            return 5;
        }
        catch (MultimodalException ex)
        {
            // A model that fails while running: not one of the documented outcomes, but still one clear line.
            io.Error.WriteLine($"error: {OneLine(ex.Message)}");
            return 1;
        }
    }

    /// <summary>System.CommandLine's help, with exit codes and pointers after the root command's.</summary>
    private sealed class RootHelpAction(HelpAction help) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            int exit = help.Invoke(parseResult);
            if (parseResult.CommandResult.Command is RootCommand)
            {
                parseResult.InvocationConfiguration.Output.WriteLine(Epilogue);
            }

            return exit;
        }
    }

    // "mm eval captions" for a parse that reached that command: the help worth reading for this error.
    private static string HelpCommandLine(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Add(result.Command is RootCommand ? "mm" : result.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }

    private static string OneLine(string message) => string.Join(' ', message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    private static int Usage(CliConsole io, string message, string command)
    {
        io.Error.WriteLine($"error: {message}");
        io.Error.WriteLine($"run '{command} --help' for usage");
        return 2;
    }
}

using Multimodal.Sdk;

namespace Multimodal.Cli;

/// <summary>
/// <c>mm</c>: the SDK's command line. Exit codes: 0 success, 2 usage error, 3 an input could not be read or decoded
/// (the others are still processed), 4 model folder missing or incompatible, 130 cancelled.
/// </summary>
internal static class Program
{
    private static readonly HashSet<string> Model = ["--model"];
    private static readonly HashSet<string> Json = ["--json"];

    /// <summary>The options each command accepts; anything else is a usage error (exit code 2).</summary>
    private static readonly Dictionary<string, HashSet<string>> Commands = new(StringComparer.Ordinal)
    {
        ["demo"] = ["--clip", "--captioner", "--vlm", "--whisper", "--vad"],
        ["classify"] = [.. Model, .. Json, "--image", "--labels", "--labels-file", "--template"],
        ["embed"] = [.. Model, .. Json, "--image", "--text"],
        ["caption"] = [.. Model, .. Json, "--image", "--beams", "--sample", "--num", "--temperature", "--prefix"],
        ["ask"] = [.. Model, .. Json, "--image", "--question", "--max-tokens"],
        ["chat"] = [.. Model, "--image", "--max-tokens", "--temperature"],
        ["transcribe"] = [.. Model, .. Json, "--audio", "--language", "--task", "--timestamps", "--srt", "--vtt", "--vad", "--vad-model"],
        ["vad"] = [.. Model, .. Json, "--audio", "--threshold"],
        ["eval"] = [.. Json, "--pred", "--refs", "--normalize"],
    };

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

    /// <summary>Runs one <c>mm</c> command line; the tests call this in-process.</summary>
    /// <param name="args">The arguments, command first.</param>
    /// <param name="io">Where to read and write.</param>
    /// <param name="cancellationToken">Cancels the command (exit code 130).</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(string[] args, CliConsole io, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            PrintUsage(io);
            return args.Length == 0 ? 2 : 0;
        }

        try
        {
            if (!Commands.TryGetValue(args[0], out var known))
            {
                return Usage(io, $"unknown command '{args[0]}'");
            }

            var options = CliArguments.Parse(args.Skip(1), args[0], known);
            if (options.Verb is { } verb && args[0] != "eval")
            {
                return Usage(io, $"unexpected argument '{verb}' (inputs are given with options, e.g. --image F)");
            }

            return args[0] switch
            {
                "demo" => await DemoCommand.RunAsync(io, options, cancellationToken),
                "classify" => await VisionCommands.ClassifyAsync(io, options, cancellationToken),
                "caption" => await VisionCommands.CaptionAsync(io, options, cancellationToken),
                "embed" => await VisionCommands.EmbedAsync(io, options, cancellationToken),
                "ask" => await VisionCommands.AskAsync(io, options, cancellationToken),
                "chat" => await ChatCommand.RunAsync(io, options, cancellationToken),
                "transcribe" => await SpeechCommands.TranscribeAsync(io, options, cancellationToken),
                "vad" => await VadCommand.RunAsync(io, options, cancellationToken),
                _ => EvalCommand.Run(io, options.Verb, options),
            };
        }
        catch (CliUsageException ex)
        {
            return Usage(io, ex.Message);
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
            return Usage(io, OneLine(ex.Message));
        }
        catch (MultimodalException ex)
        {
            // A model that fails while running: not one of the documented outcomes, but still one clear line.
            io.Error.WriteLine($"error: {OneLine(ex.Message)}");
            return 1;
        }
    }

    private static string OneLine(string message) => string.Join(' ', message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    private static int Usage(CliConsole io, string message)
    {
        io.Error.WriteLine($"error: {message}");
        io.Error.WriteLine("run 'mm --help' for usage");
        return 2;
    }

    private static void PrintUsage(CliConsole io) => io.Out.WriteLine(
        """
        mm — Multimodal.Sdk on the command line (bundled tiny models unless --model DIR is given)

          mm demo                                   every available capability on bundled sample inputs
          mm classify --image F... --labels "a,b"   zero-shot classification (--labels-file F, --template T...)
          mm caption --image F... [--beams N] [--sample --num N --temperature X] [--prefix TEXT]
          mm embed (--image F... | --text T...)     L2-normalized CLIP embeddings (all values with --json)
          mm eval captions|vqa|retrieval|asr --pred F --refs F [--normalize]   metrics (docs/evaluation.md)
          mm ask --image F... --question Q...       visual question answering [--max-tokens N]
          mm chat [--image F]                       chat about images: /image PATH, /reset, /exit [--max-tokens N]
          mm transcribe --audio F... [--language L|auto] [--task transcribe|translate] [--timestamps]
                                                    [--srt OUT | --vtt OUT]  subtitles (OUT a directory for several files)
                                                    [--vad [--vad-model F]]  decode only the speech Silero VAD finds
          mm vad --audio F... [--threshold X]       where the speech is (Silero VAD)

        Inputs may be files, directories or globs. --json prints machine-readable results.
        Exit codes: 0 ok, 2 usage, 3 an input could not be read or decoded, 4 model folder missing or
        incompatible, 130 cancelled. Documentation: docs/cli.md.
        """);
}

using System.CommandLine;
using System.Text;
using Microsoft.Extensions.AI;
using Multimodal.Sdk;

namespace Multimodal.Cli;

/// <summary>
/// <c>mm chat [--image F]</c>: a conversation about images on the vision chat model. Each line read is a turn;
/// <c>/image PATH</c> attaches an image to the next turn, <c>/reset</c> forgets the conversation, <c>/exit</c> (or end
/// of input) leaves. Only the assistant's replies go to stdout, one line per turn, so a script can drive it.
/// </summary>
internal static class ChatCommand
{
    public static Command Create(CliConsole io)
    {
        var images = CliOptions.Images(required: false, "Images attached to the first turn (files; /image PATH attaches more later).");
        var maxTokens = CliOptions.PositiveInt("--max-tokens", "At most N tokens per reply.");
        var temperature = CliOptions.Number("--temperature", "Sampling temperature (default: greedy).");
        var model = CliOptions.Model("tiny-vlm");
        var command = new Command("chat", "Chat about images: one line per turn; /image PATH, /reset, /exit.")
        {
            images, maxTokens, temperature, model,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            io, parse.GetValue(model), parse.GetValue(images) ?? [], new ChatOptions { MaxOutputTokens = parse.GetValue(maxTokens), Temperature = parse.GetValue(temperature) }, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole io, string? model, string[] images, ChatOptions chatOptions, CancellationToken cancellationToken)
    {
        using var chat = new VisionChatClient(model ?? io.BundledModel("tiny-vlm"));
        var history = new List<ChatMessage>();
        var pending = new List<AIContent>();
        int exit = 0;

        if (io.InputIsTerminal)
        {
            io.Error.WriteLine("Chat about images. /image PATH attaches an image, /reset starts over, /exit leaves.");
        }

        foreach (var image in images)
        {
            exit = Math.Max(exit, Attach(io, image, pending));
        }

        while (true)
        {
            if (io.InputIsTerminal)
            {
                io.Out.Write("> ");
                io.Out.Flush();
            }

            string? line = await io.In.ReadLineAsync(cancellationToken);
            if (line is null)
            {
                break;
            }

            line = line.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line is "/exit" or "/quit")
            {
                break;
            }

            if (line == "/reset")
            {
                history.Clear();
                pending.Clear();
                Note(io, "(conversation cleared)");
                continue;
            }

            if (line.StartsWith("/image", StringComparison.Ordinal))
            {
                string path = line["/image".Length..].Trim().Trim('"');
                exit = Math.Max(exit, path.Length == 0 ? Fail(io, "/image needs a path") : Attach(io, path, pending));
                continue;
            }

            if (line.StartsWith('/'))
            {
                io.Error.WriteLine($"error: unknown chat command '{line.Split(' ')[0]}' (/image PATH, /reset, /exit)");
                continue;
            }

            history.Add(new ChatMessage(ChatRole.User, [.. pending, new TextContent(line)]));
            pending.Clear();
            var reply = new StringBuilder();
            try
            {
                await foreach (var update in chat.GetStreamingResponseAsync(history, chatOptions, cancellationToken))
                {
                    io.Out.Write(update.Text);
                    io.Out.Flush();
                    reply.Append(update.Text);
                }
            }
            catch (Exception ex) when (ex is InputDecodeException or InputTooLargeException)
            {
                // The turn is dropped (with its images) so the conversation can go on.
                history.RemoveAt(history.Count - 1);
                io.Out.WriteLine();
                exit = Math.Max(exit, Fail(io, ex.Message));
                continue;
            }

            io.Out.WriteLine();
            history.Add(new ChatMessage(ChatRole.Assistant, reply.ToString()));
        }

        return exit;
    }

    // Notes are for a person at the keyboard; a script reading stderr sees errors only.
    private static void Note(CliConsole io, string message)
    {
        if (io.InputIsTerminal)
        {
            io.Error.WriteLine(message);
        }
    }

    private static int Fail(CliConsole io, string message)
    {
        io.Error.WriteLine($"error: {message}");
        return 3;
    }

    // Reads the file now, so a wrong path is reported at once; decoding errors surface on the next turn.
    private static int Attach(CliConsole io, string path, List<AIContent> pending)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (Batch.InputError(ex, path) is { } message)
        {
            return Fail(io, message);
        }

        if (MediaType(bytes) is not { } mediaType)
        {
            return Fail(io, $"'{path}' is not a JPEG, PNG, WebP, BMP or GIF image");
        }

        pending.Add(new DataContent(bytes, mediaType) { Name = Path.GetFileName(path) });
        Note(io, $"(image {path} attached to the next message)");
        return 0;
    }

    private static string? MediaType(ReadOnlySpan<byte> b) => b switch
    {
        [0x89, (byte)'P', (byte)'N', (byte)'G', ..] => "image/png",
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8', ..] => "image/gif",
        [(byte)'B', (byte)'M', ..] => "image/bmp",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => "image/webp",
        _ => null,
    };
}

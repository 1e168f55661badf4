// A console chat about images that keeps its history, on one vision chat model: each line is a turn, "/image PATH"
// attaches an image to the next one, an empty line or the end of input quits. From the repository root:
//   dotnet run --project samples/Sample3_VisionChat [-- model-folder]   (default: the bundled models/tiny-vlm)
using Microsoft.Extensions.AI;
using Multimodal.Sdk;

using IChatClient chat = new VisionChatClient(args.Length > 0 ? args[0] : "models/tiny-vlm");
var history = new List<ChatMessage>();
var images = new List<AIContent>();
Console.Error.WriteLine("Ask about images. /image PATH attaches one; an empty line quits.");

while (Console.ReadLine() is { Length: > 0 } line)
{
    if (line.StartsWith("/image ", StringComparison.Ordinal))
    {
        string path = line["/image ".Length..].Trim();
        images.Add(new DataContent(File.ReadAllBytes(path), path.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? "image/png" : "image/jpeg"));
        continue;
    }

    history.Add(new ChatMessage(ChatRole.User, [.. images, new TextContent(line)]));
    images.Clear();
    var updates = new List<ChatResponseUpdate>();
    await foreach (var update in chat.GetStreamingResponseAsync(history))
    {
        Console.Write(update.Text);   // token by token
        updates.Add(update);
    }

    Console.WriteLine();
    history.AddMessages(updates);     // later turns see the earlier images, questions and answers
}

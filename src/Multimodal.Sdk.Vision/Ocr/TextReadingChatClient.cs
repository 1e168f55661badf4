using Microsoft.Extensions.AI;

namespace Multimodal.Sdk;

/// <summary>
/// Reads the text in every image of a chat request with an <see cref="ITextReader"/> and puts it in the prompt right
/// after the image (<c>text in the image: "Invoice 2026-12-03 total 42.50"</c>), so a small vision-language model
/// that cannot read can still answer questions about the text. Works in front of any
/// <see cref="IChatClient"/>, <see cref="VisionChatClient"/> included.
/// </summary>
/// <remarks>
/// This is OCR + a VLM, not a reading VLM: the model sees the recognised text as words, without knowing where in the
/// image each line is. Safe for concurrent use when the inner client and the reader are. Disposes the reader only when
/// it owns it.
/// </remarks>
public sealed class TextReadingChatClient : DelegatingChatClient
{
    private readonly ITextReader _reader;
    private readonly bool _ownsReader;

    /// <summary>Wraps a chat client.</summary>
    /// <param name="innerClient">The client that answers.</param>
    /// <param name="reader">The reader that finds the text in the images.</param>
    /// <param name="ownsReader">Whether disposing this client disposes <paramref name="reader"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> or <paramref name="reader"/> is <see langword="null"/>.</exception>
    public TextReadingChatClient(IChatClient innerClient, ITextReader reader, bool ownsReader = false)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(reader);
        _reader = reader;
        _ownsReader = ownsReader;
    }

    /// <summary>Gets or sets the per-call settings of the reader.</summary>
    public TextReadOptions? ReadOptions { get; set; }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await base.GetResponseAsync(await WithTextAsync(messages, cancellationToken).ConfigureAwait(false), options, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var withText = await WithTextAsync(messages, cancellationToken).ConfigureAwait(false);
        await foreach (var update in base.GetStreamingResponseAsync(withText, options, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsReader)
        {
            _reader.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Copies the messages, adding a text item after each image in which text was found.</summary>
    internal async Task<List<ChatMessage>> WithTextAsync(IEnumerable<ChatMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var result = new List<ChatMessage>();
        foreach (var message in messages)
        {
            if (!message.Contents.Any(IsImage))
            {
                result.Add(message);
                continue;
            }

            var contents = new List<AIContent>(message.Contents.Count + 1);
            foreach (var content in message.Contents)
            {
                contents.Add(content);
                if (content is DataContent data && IsImage(data))
                {
                    var read = await _reader.ReadAsync(ImageData.FromBytes(data.Data, data.Name), ReadOptions, cancellationToken).ConfigureAwait(false);
                    if (TextReadingFormat.Quote(read) is { } text)
                    {
                        contents.Add(new TextContent($"text in the image: {text}"));
                    }
                }
            }

            var copy = message.Clone();
            copy.Contents = contents;
            result.Add(copy);
        }

        return result;
    }

    private static bool IsImage(AIContent content) =>
        content is DataContent data && data.MediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase);
}

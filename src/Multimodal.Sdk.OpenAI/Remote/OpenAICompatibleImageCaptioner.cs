using Microsoft.Extensions.AI;

namespace Multimodal.Sdk;

/// <summary>
/// <see cref="IImageCaptioner"/> over a remote vision chat model: each image is one chat turn with a captioning prompt
/// (<see cref="DefaultPrompt"/> unless another is given). <see cref="CaptionOptions.Prefix"/> is appended to the prompt
/// as the words the caption must start with.
/// </summary>
/// <remarks>
/// Safe for concurrent use when the chat client is. A remote model reports no sequence score, so
/// <see cref="Caption.Score"/> is <see cref="float.NaN"/>. Disposes the chat client only when it owns it.
/// </remarks>
public sealed class OpenAICompatibleImageCaptioner : IImageCaptioner
{
    /// <summary>The prompt used when none is given.</summary>
    public const string DefaultPrompt = "Describe this image in one short sentence, without any preamble.";

    private readonly IChatClient _chat;
    private readonly string _prompt;
    private readonly bool _ownsClient;

    /// <summary>Wraps a chat client.</summary>
    /// <param name="chatClient">A client of a model that reads images.</param>
    /// <param name="prompt">The captioning instruction; <see langword="null"/> for <see cref="DefaultPrompt"/>.</param>
    /// <param name="ownsClient">Whether disposing this object disposes <paramref name="chatClient"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="chatClient"/> is <see langword="null"/>.</exception>
    public OpenAICompatibleImageCaptioner(IChatClient chatClient, string? prompt = null, bool ownsClient = false)
    {
        ArgumentNullException.ThrowIfNull(chatClient);
        _chat = chatClient;
        _prompt = string.IsNullOrWhiteSpace(prompt) ? DefaultPrompt : prompt;
        _ownsClient = ownsClient;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="images"/> is <see langword="null"/> or holds <see langword="null"/>.</exception>
    public async Task<IReadOnlyList<CaptionResult>> CaptionAsync(IReadOnlyList<ImageData> images, CaptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        string prompt = options?.Prefix is { Length: > 0 } prefix ? $"{_prompt} Start the caption with \"{prefix}\"." : _prompt;
        var chatOptions = RemoteOptions.Chat(options);
        var results = new CaptionResult[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(images[i], nameof(images));
            var response = await _chat.GetResponseAsync([new ChatMessage(ChatRole.User, [EncodedMedia.Image(images[i]), new TextContent(prompt)])], chatOptions, cancellationToken).ConfigureAwait(false);
            results[i] = new CaptionResult([new Caption(response.Text.Trim(), float.NaN)]);
        }

        return results;
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : _chat.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsClient)
        {
            _chat.Dispose();
        }
    }
}

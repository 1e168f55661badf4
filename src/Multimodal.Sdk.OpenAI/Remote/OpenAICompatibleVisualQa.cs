using Microsoft.Extensions.AI;

namespace Multimodal.Sdk;

/// <summary>
/// <see cref="IVisualQa"/> over a remote vision chat model through Microsoft.Extensions.AI's <see cref="IChatClient"/>:
/// each question is one chat turn holding the image and the question. Fits any OpenAI-compatible endpoint
/// (<see cref="OpenAICompatible.CreateVisualQa"/>) or any other <see cref="IChatClient"/>.
/// </summary>
/// <remarks>
/// Safe for concurrent use when the chat client is. A remote model reports no sequence score, so
/// <see cref="VisualQaResult.Score"/> is <see cref="float.NaN"/>; <see cref="VisualQaResult.TokenCount"/> is the
/// output token count the endpoint reports (0 when it reports none). Disposes the chat client only when it owns it.
/// </remarks>
public sealed class OpenAICompatibleVisualQa : IVisualQa
{
    private readonly IChatClient _chat;
    private readonly bool _ownsClient;

    /// <summary>Wraps a chat client.</summary>
    /// <param name="chatClient">A client of a model that reads images.</param>
    /// <param name="ownsClient">Whether disposing this object disposes <paramref name="chatClient"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="chatClient"/> is <see langword="null"/>.</exception>
    public OpenAICompatibleVisualQa(IChatClient chatClient, bool ownsClient = false)
    {
        ArgumentNullException.ThrowIfNull(chatClient);
        _chat = chatClient;
        _ownsClient = ownsClient;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> or <paramref name="questions"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No question, or an empty one.</exception>
    public async Task<IReadOnlyList<VisualQaResult>> AnswerAsync(ImageData image, IReadOnlyList<string> questions, VisualQaOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(questions);
        if (questions.Count == 0 || questions.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("At least one non-empty question is needed.", nameof(questions));
        }

        var picture = EncodedMedia.Image(image);
        var chatOptions = RemoteOptions.Chat(options);
        if (options?.SystemPrompt is { Length: > 0 } system)
        {
            chatOptions.Instructions = system;
        }

        var results = new VisualQaResult[questions.Count];
        for (int i = 0; i < questions.Count; i++)
        {
            var response = await _chat.GetResponseAsync([new ChatMessage(ChatRole.User, [picture, new TextContent(questions[i])])], chatOptions, cancellationToken).ConfigureAwait(false);
            results[i] = new VisualQaResult(questions[i], response.Text.Trim(), float.NaN, (int)(response.Usage?.OutputTokenCount ?? 0));
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

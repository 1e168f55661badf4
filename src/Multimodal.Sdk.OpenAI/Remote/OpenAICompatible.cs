using System.ClientModel;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Multimodal.Sdk;

/// <summary>
/// Creates the SDK's pipelines over any OpenAI-compatible endpoint: OpenAI itself, Azure OpenAI's v1 endpoint, vLLM,
/// Ollama, or another Multimodal.Sdk server (<c>http://host:5080/v1</c>).
/// </summary>
public static class OpenAICompatible
{
    /// <summary>Creates visual question answering over a remote vision chat model.</summary>
    /// <param name="endpoint">The API base, ending in <c>/v1</c> (for example <c>https://api.openai.com/v1</c>).</param>
    /// <param name="apiKey">The key sent as <c>Authorization: Bearer</c>; <see langword="null"/> for an endpoint without keys.</param>
    /// <param name="model">The model id, for example <c>gpt-4o-mini</c> or <c>tiny-vlm</c>.</param>
    /// <returns>The pipeline; it owns its client.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoint"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="model"/> is empty.</exception>
    public static IVisualQa CreateVisualQa(Uri endpoint, string? apiKey, string model) =>
        new OpenAICompatibleVisualQa(Client(endpoint, apiKey).GetChatClient(Model(model)).AsIChatClient(), ownsClient: true);

    /// <summary>Creates captioning over a remote vision chat model, with a captioning prompt.</summary>
    /// <param name="endpoint">The API base, ending in <c>/v1</c>.</param>
    /// <param name="apiKey">The key sent as <c>Authorization: Bearer</c>; <see langword="null"/> for none.</param>
    /// <param name="model">The model id.</param>
    /// <param name="prompt">The captioning instruction; <see langword="null"/> for <see cref="OpenAICompatibleImageCaptioner.DefaultPrompt"/>.</param>
    /// <returns>The pipeline; it owns its client.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoint"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="model"/> is empty.</exception>
    public static IImageCaptioner CreateImageCaptioner(Uri endpoint, string? apiKey, string model, string? prompt = null) =>
        new OpenAICompatibleImageCaptioner(Client(endpoint, apiKey).GetChatClient(Model(model)).AsIChatClient(), prompt, ownsClient: true);

    /// <summary>Creates speech recognition over a remote transcription endpoint.</summary>
    /// <param name="endpoint">The API base, ending in <c>/v1</c>.</param>
    /// <param name="apiKey">The key sent as <c>Authorization: Bearer</c>; <see langword="null"/> for none.</param>
    /// <param name="model">The model id, for example <c>whisper-1</c> or <c>tiny-whisper</c>.</param>
    /// <returns>The pipeline.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoint"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="model"/> is empty.</exception>
    public static ISpeechRecognizer CreateSpeechRecognizer(Uri endpoint, string? apiKey, string model) =>
        new OpenAICompatibleSpeechRecognizer(Client(endpoint, apiKey).GetAudioClient(Model(model)));

    /// <summary>Creates text and image embeddings over a remote embeddings endpoint (images need a CLIP server such as Multimodal.Sdk's).</summary>
    /// <param name="endpoint">The API base, ending in <c>/v1</c>.</param>
    /// <param name="apiKey">The key sent as <c>Authorization: Bearer</c>; <see langword="null"/> for none.</param>
    /// <param name="model">The model id, for example <c>tiny-clip</c>.</param>
    /// <param name="logitScale">The zero-shot logit scale (CLIP's 100 by default).</param>
    /// <returns>The pipeline; it owns its client.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoint"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="model"/> is empty.</exception>
    public static IClipEncoder CreateClipEncoder(Uri endpoint, string? apiKey, string model, float logitScale = 100f) =>
        new OpenAICompatibleClipEncoder(Client(endpoint, apiKey).GetEmbeddingClient(Model(model)).AsIEmbeddingGenerator(), $"{endpoint}#{model}", logitScale, ownsGenerator: true);

    private static OpenAIClient Client(Uri endpoint, string? apiKey)
    {
        ArgumentNullException.ThrowIfNull(endpoint);

        // The OpenAI client requires a credential; endpoints without keys ignore the placeholder.
        return new OpenAIClient(new ApiKeyCredential(string.IsNullOrEmpty(apiKey) ? "none" : apiKey), new OpenAIClientOptions { Endpoint = endpoint });
    }

    private static string Model(string model)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        return model;
    }
}

using Microsoft.Extensions.AI;

namespace Multimodal.Sdk;

/// <summary>
/// A text embedding generator (<see cref="SentenceEmbeddingGenerator"/>, or any M.E.AI one) in the encoder seat of
/// <see cref="MultimodalRetriever"/>, for text-to-text search; images have no embedding in its space.
/// </summary>
/// <remarks>Safe for concurrent use when the generator is. Does not own the generator.</remarks>
internal sealed class TextEmbeddingEncoder(IEmbeddingGenerator<string, Embedding<float>> generator) : IClipEncoder
{
    public Task<IReadOnlyList<Embedding<float>>> EmbedImagesAsync(IReadOnlyList<ImageData> images, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("This retriever embeds text only (it was created over a text embedding generator): index and search texts, or create it over a CLIP encoder for images.");

    public async Task<IReadOnlyList<Embedding<float>>> EmbedTextsAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return await generator.GenerateAsync(texts, null, cancellationToken).ConfigureAwait(false);
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : generator.GetService(serviceType, serviceKey);
    }

    public void Dispose()
    {
        // The generator belongs to the caller (or the container).
    }
}

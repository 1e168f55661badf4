using Microsoft.Extensions.AI;

namespace Multimodal.Sdk;

/// <summary>
/// Embeds images and texts into one space (CLIP and its relatives). Embeddings are L2-normalized, so their dot
/// product is the cosine similarity. Zero-shot classification, similarity and single-item overloads are in
/// <see cref="ClipEncoderExtensions"/>.
/// </summary>
/// <remarks>Implementations are safe for concurrent use.</remarks>
public interface IClipEncoder : IDisposable
{
    /// <summary>Embeds a batch of images.</summary>
    /// <param name="images">The images; at least one.</param>
    /// <param name="cancellationToken">Cancels the work between batches.</param>
    /// <returns>One L2-normalized embedding per image, in order.</returns>
    /// <exception cref="ArgumentException"><paramref name="images"/> is empty.</exception>
    /// <exception cref="InputDecodeException">An image cannot be decoded.</exception>
    /// <exception cref="InputTooLargeException">An image exceeds the configured pixel budget.</exception>
    Task<IReadOnlyList<Embedding<float>>> EmbedImagesAsync(IReadOnlyList<ImageData> images, CancellationToken cancellationToken = default);

    /// <summary>Embeds a batch of texts (truncated to the model's context length).</summary>
    /// <param name="texts">The texts; at least one.</param>
    /// <param name="cancellationToken">Cancels the work between batches.</param>
    /// <returns>One L2-normalized embedding per text, in order.</returns>
    /// <exception cref="ArgumentException"><paramref name="texts"/> is empty.</exception>
    Task<IReadOnlyList<Embedding<float>>> EmbedTextsAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);

    /// <summary>Gets a service the encoder offers, such as its <see cref="ClipEncoderMetadata"/>.</summary>
    /// <param name="serviceType">The type asked for.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <returns>The service, or <see langword="null"/>.</returns>
    object? GetService(Type serviceType, object? serviceKey = null);
}

namespace Multimodal.Sdk;

/// <summary>
/// Describes images in words (vision-encoder-decoder models such as ViT-GPT2). Greedy, beam search and sampling
/// are chosen with <see cref="CaptionOptions"/>; single-image overloads are in <see cref="ImageCaptionerExtensions"/>.
/// </summary>
/// <remarks>Implementations are safe for concurrent use.</remarks>
public interface IImageCaptioner : IDisposable
{
    /// <summary>Captions a batch of images.</summary>
    /// <param name="images">The images; at least one.</param>
    /// <param name="options">Decoding settings; <see langword="null"/> takes the model's defaults.</param>
    /// <param name="cancellationToken">Checked between decoding steps.</param>
    /// <returns>One result per image, in order, each with one or more captions.</returns>
    /// <exception cref="ArgumentException"><paramref name="images"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="InputDecodeException">An image cannot be decoded.</exception>
    /// <exception cref="InputTooLargeException">An image exceeds the configured pixel budget.</exception>
    Task<IReadOnlyList<CaptionResult>> CaptionAsync(IReadOnlyList<ImageData> images, CaptionOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Gets a service the captioner offers.</summary>
    /// <param name="serviceType">The type asked for.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <returns>The service, or <see langword="null"/>.</returns>
    object? GetService(Type serviceType, object? serviceKey = null);
}

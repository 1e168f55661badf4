namespace Multimodal.Sdk;

/// <summary>
/// Reads the text in an image (OCR): finds the text regions, recognises each one and returns them in reading order.
/// Convenience overloads are in <see cref="TextReaderExtensions"/>.
/// </summary>
/// <remarks>Implementations are safe for concurrent use.</remarks>
public interface ITextReader : IDisposable
{
    /// <summary>Reads the text in one image.</summary>
    /// <param name="image">The image.</param>
    /// <param name="options">Per-call settings; <see langword="null"/> for the model folder's defaults.</param>
    /// <param name="cancellationToken">Cancels the work between stages and batches.</param>
    /// <returns>The lines found, in reading order; an image without text gives an empty result, not an error.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is <see langword="null"/>.</exception>
    /// <exception cref="InputDecodeException">The image cannot be decoded.</exception>
    /// <exception cref="InputTooLargeException">The image exceeds the configured pixel budget.</exception>
    Task<TextReadResult> ReadAsync(ImageData image, TextReadOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Gets a service the reader offers, such as itself.</summary>
    /// <param name="serviceType">The type asked for.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <returns>The service, or <see langword="null"/>.</returns>
    object? GetService(Type serviceType, object? serviceKey = null);
}

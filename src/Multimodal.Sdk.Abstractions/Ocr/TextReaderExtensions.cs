namespace Multimodal.Sdk;

/// <summary>Convenience operations over any <see cref="ITextReader"/>.</summary>
public static class TextReaderExtensions
{
    /// <summary>Reads the text in an image file.</summary>
    /// <param name="reader">The reader.</param>
    /// <param name="path">The image file.</param>
    /// <param name="options">Per-call settings.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The lines found, in reading order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> or <paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="InputDecodeException">The file cannot be read or decoded.</exception>
    public static Task<TextReadResult> ReadAsync(this ITextReader reader, string path, TextReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(path);
        return reader.ReadAsync(ImageData.FromFile(path), options, cancellationToken);
    }

    /// <summary>Reads the text in several images, one after the other.</summary>
    /// <param name="reader">The reader.</param>
    /// <param name="images">The images.</param>
    /// <param name="options">Per-call settings.</param>
    /// <param name="cancellationToken">Cancels the work between images.</param>
    /// <returns>One result per image, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> or <paramref name="images"/> is <see langword="null"/>.</exception>
    public static async Task<IReadOnlyList<TextReadResult>> ReadAllAsync(this ITextReader reader, IEnumerable<ImageData> images, TextReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(images);
        var results = new List<TextReadResult>();
        foreach (var image in images)
        {
            cancellationToken.ThrowIfCancellationRequested();
            results.Add(await reader.ReadAsync(image, options, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }
}

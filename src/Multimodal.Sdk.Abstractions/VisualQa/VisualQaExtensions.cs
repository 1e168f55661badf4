namespace Multimodal.Sdk;

/// <summary>Convenience overloads for <see cref="IVisualQa"/>.</summary>
public static class VisualQaExtensions
{
    /// <summary>Answers one question about an image.</summary>
    /// <param name="visualQa">The pipeline.</param>
    /// <param name="image">The image.</param>
    /// <param name="question">The question; not empty.</param>
    /// <param name="options">Decoding settings; <see langword="null"/> takes the model's defaults.</param>
    /// <param name="cancellationToken">Checked between decoding steps.</param>
    /// <returns>The answer.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="question"/> is empty or white space.</exception>
    /// <exception cref="InputDecodeException">The image cannot be decoded.</exception>
    /// <exception cref="InputTooLargeException">The image exceeds the configured pixel budget.</exception>
    public static async Task<VisualQaResult> AnswerAsync(this IVisualQa visualQa, ImageData image, string question, VisualQaOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(visualQa);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentException.ThrowIfNullOrWhiteSpace(question);
        return (await visualQa.AnswerAsync(image, [question], options, cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>Answers one question about an image file.</summary>
    /// <param name="visualQa">The pipeline.</param>
    /// <param name="imagePath">The image file.</param>
    /// <param name="question">The question; not empty.</param>
    /// <param name="options">Decoding settings; <see langword="null"/> takes the model's defaults.</param>
    /// <param name="cancellationToken">Checked between decoding steps.</param>
    /// <returns>The answer text.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="question"/> is empty or white space.</exception>
    /// <exception cref="InputDecodeException">The file cannot be read or decoded.</exception>
    /// <exception cref="InputTooLargeException">The image exceeds the configured pixel budget.</exception>
    public static async Task<string> AskAsync(this IVisualQa visualQa, string imagePath, string question, VisualQaOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(visualQa);
        ArgumentException.ThrowIfNullOrWhiteSpace(imagePath);
        return (await AnswerAsync(visualQa, ImageData.FromFile(imagePath), question, options, cancellationToken).ConfigureAwait(false)).Answer;
    }
}

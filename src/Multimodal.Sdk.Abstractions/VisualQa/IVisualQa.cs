namespace Multimodal.Sdk;

/// <summary>
/// Answers questions about an image (LLaVA / BLIP-2 style vision-language models). Several questions about one
/// image encode the image once; single-question overloads are in <see cref="VisualQaExtensions"/>.
/// </summary>
/// <remarks>Implementations are safe for concurrent use.</remarks>
public interface IVisualQa : IDisposable
{
    /// <summary>Answers each question about one image.</summary>
    /// <param name="image">The image.</param>
    /// <param name="questions">The questions; at least one, none empty.</param>
    /// <param name="options">Decoding settings; <see langword="null"/> takes the model's defaults (greedy for most models).</param>
    /// <param name="cancellationToken">Checked between decoding steps and between questions.</param>
    /// <returns>One answer per question, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> or <paramref name="questions"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="questions"/> is empty or holds an empty question.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="InputDecodeException">The image cannot be decoded.</exception>
    /// <exception cref="InputTooLargeException">The image exceeds the configured pixel budget, or the prompt exceeds the model's context.</exception>
    /// <exception cref="MultimodalException">The model's chat template failed or the model broke its contract at run time.</exception>
    Task<IReadOnlyList<VisualQaResult>> AnswerAsync(ImageData image, IReadOnlyList<string> questions, VisualQaOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Gets a service the pipeline offers.</summary>
    /// <param name="serviceType">The type asked for.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <returns>The service, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="serviceType"/> is <see langword="null"/>.</exception>
    object? GetService(Type serviceType, object? serviceKey = null);
}

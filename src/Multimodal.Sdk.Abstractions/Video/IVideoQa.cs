namespace Multimodal.Sdk;

/// <summary>
/// Answers questions about a video with a video-language model (LLaVA-NeXT-Video style: sampled frames through the
/// vision encoder, pooled, projected into the language model's prompt). <see cref="VideoQaExtensions"/> adds
/// single questions and descriptions.
/// </summary>
/// <remarks>Implementations are safe for concurrent use.</remarks>
public interface IVideoQa : IDisposable
{
    /// <summary>Answers questions about one video; its frames are decoded and encoded once for all of them.</summary>
    /// <param name="path">The video file.</param>
    /// <param name="questions">The questions; at least one.</param>
    /// <param name="options">Decoding settings; <see langword="null"/> for the model's defaults (greedy).</param>
    /// <param name="cancellationToken">Checked between frames and decoding steps.</param>
    /// <returns>One answer per question, in order.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or there is no question, or a question is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InputDecodeException">The video cannot be decoded or has no frames.</exception>
    /// <exception cref="InputTooLargeException">The video exceeds the configured limits, or a prompt the model's context.</exception>
    Task<IReadOnlyList<VisualQaResult>> AnswerAsync(string path, IReadOnlyList<string> questions, VisualQaOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Gets a service the pipeline offers.</summary>
    /// <param name="serviceType">The type asked for.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <returns>The service, or <see langword="null"/>.</returns>
    object? GetService(Type serviceType, object? serviceKey = null);
}

/// <summary>Single questions and descriptions over any <see cref="IVideoQa"/>.</summary>
public static class VideoQaExtensions
{
    /// <summary>The request the bundled video model is trained to answer with a description.</summary>
    public const string DescribePrompt = "describe the video.";

    /// <summary>Answers one question about a video.</summary>
    /// <param name="qa">The pipeline.</param>
    /// <param name="path">The video file.</param>
    /// <param name="question">The question.</param>
    /// <param name="options">Decoding settings; <see langword="null"/> for the model's defaults.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The answer.</returns>
    /// <exception cref="ArgumentException">The path or the question is empty.</exception>
    /// <exception cref="InputDecodeException">The video cannot be decoded.</exception>
    public static async Task<VisualQaResult> AnswerAsync(this IVideoQa qa, string path, string question, VisualQaOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(qa);
        ArgumentException.ThrowIfNullOrWhiteSpace(question);
        return (await qa.AnswerAsync(path, [question], options, cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>Describes a video in one sentence (asks <see cref="DescribePrompt"/>).</summary>
    /// <param name="qa">The pipeline.</param>
    /// <param name="path">The video file.</param>
    /// <param name="options">Decoding settings; <see langword="null"/> for the model's defaults.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The description.</returns>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    /// <exception cref="InputDecodeException">The video cannot be decoded.</exception>
    public static async Task<string> DescribeAsync(this IVideoQa qa, string path, VisualQaOptions? options = null, CancellationToken cancellationToken = default) =>
        (await qa.AnswerAsync(path, DescribePrompt, options, cancellationToken).ConfigureAwait(false)).Answer;
}

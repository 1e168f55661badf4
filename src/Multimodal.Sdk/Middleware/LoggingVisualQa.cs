using Microsoft.Extensions.Logging;

namespace Multimodal.Sdk;

/// <summary>
/// Logs the calls of any <see cref="IVisualQa"/>: invocation and completion with counts, generated tokens and elapsed
/// time at <see cref="LogLevel.Debug"/>, failures at <see cref="LogLevel.Error"/>. The image, the questions and the
/// answers are never logged, only their number and size.
/// </summary>
/// <remarks>Safe for concurrent use when the inner pipeline is.</remarks>
public sealed class LoggingVisualQa : DelegatingVisualQa
{
    private readonly PipelineLogger _log;

    /// <summary>Wraps a pipeline.</summary>
    /// <param name="innerVisualQa">The pipeline calls go to.</param>
    /// <param name="logger">Where to log.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public LoggingVisualQa(IVisualQa innerVisualQa, ILogger logger)
        : base(innerVisualQa)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _log = new PipelineLogger(logger, nameof(IVisualQa));
    }

    /// <inheritdoc/>
    public override Task<IReadOnlyList<VisualQaResult>> AnswerAsync(ImageData image, IReadOnlyList<string> questions, VisualQaOptions? options = null, CancellationToken cancellationToken = default) =>
        _log.RunAsync(
            nameof(AnswerAsync),
            () => $"{Describe.Image(image)}, {Describe.Texts(questions)}",
            () => base.AnswerAsync(image, questions, options, cancellationToken),
            r => $"{r.Count} answer(s), {r.Sum(a => a.TokenCount)} generated token(s)");
}

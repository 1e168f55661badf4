using Microsoft.Extensions.Logging;

namespace Multimodal.Sdk;

/// <summary>
/// Logs the calls of any <see cref="IImageCaptioner"/>: invocation and completion with counts and elapsed time at
/// <see cref="LogLevel.Debug"/>, failures at <see cref="LogLevel.Error"/>. Images and captions are never logged, only
/// their number and size.
/// </summary>
/// <remarks>Safe for concurrent use when the inner captioner is.</remarks>
public sealed class LoggingImageCaptioner : DelegatingImageCaptioner
{
    private readonly PipelineLogger _log;

    /// <summary>Wraps a captioner.</summary>
    /// <param name="innerCaptioner">The captioner calls go to.</param>
    /// <param name="logger">Where to log.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public LoggingImageCaptioner(IImageCaptioner innerCaptioner, ILogger logger)
        : base(innerCaptioner)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _log = new PipelineLogger(logger, nameof(IImageCaptioner));
    }

    /// <inheritdoc/>
    public override Task<IReadOnlyList<CaptionResult>> CaptionAsync(IReadOnlyList<ImageData> images, CaptionOptions? options = null, CancellationToken cancellationToken = default) =>
        _log.RunAsync(nameof(CaptionAsync), () => Describe.Images(images), () => base.CaptionAsync(images, options, cancellationToken), r => $"{r.Count} result(s), {r.Sum(c => c.Captions.Count)} caption(s)");
}

using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Multimodal.Sdk;

/// <summary>
/// Logs the calls of any <see cref="IClipEncoder"/>: invocation and completion with counts and elapsed time at
/// <see cref="LogLevel.Debug"/>, failures at <see cref="LogLevel.Error"/>. Images and texts are never logged, only
/// their number and size.
/// </summary>
/// <remarks>Safe for concurrent use when the inner encoder is.</remarks>
public sealed class LoggingClipEncoder : DelegatingClipEncoder
{
    private readonly PipelineLogger _log;

    /// <summary>Wraps an encoder.</summary>
    /// <param name="innerEncoder">The encoder calls go to.</param>
    /// <param name="logger">Where to log.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public LoggingClipEncoder(IClipEncoder innerEncoder, ILogger logger)
        : base(innerEncoder)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _log = new PipelineLogger(logger, nameof(IClipEncoder));
    }

    /// <inheritdoc/>
    public override Task<IReadOnlyList<Embedding<float>>> EmbedImagesAsync(IReadOnlyList<ImageData> images, CancellationToken cancellationToken = default) =>
        _log.RunAsync(nameof(EmbedImagesAsync), () => Describe.Images(images), () => base.EmbedImagesAsync(images, cancellationToken), Embeddings);

    /// <inheritdoc/>
    public override Task<IReadOnlyList<Embedding<float>>> EmbedTextsAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
        _log.RunAsync(nameof(EmbedTextsAsync), () => Describe.Texts(texts), () => base.EmbedTextsAsync(texts, cancellationToken), Embeddings);

    private static string Embeddings(IReadOnlyList<Embedding<float>> embeddings) =>
        $"{embeddings.Count} embedding(s) of {(embeddings.Count > 0 ? embeddings[0].Vector.Length : 0)} dimension(s)";
}

using System.Collections.Concurrent;
using System.Globalization;

namespace Multimodal.Sdk;

/// <summary>
/// Gathers the images of concurrent captioning calls with the same decoding options into shared model batches
/// (micro-batching): the vision encoder and the decoder loop run once for the batch. Calls that sample
/// (<see cref="GenerationOptions.DoSample"/>) or pass a derived options type go straight to the inner captioner, since
/// their results depend on what else is in the batch.
/// </summary>
/// <remarks>
/// Safe for concurrent use. Results equal the unbatched ones. A caller's cancellation completes its call at once; a
/// batch stops only when all its callers have cancelled. An image that fails fails only its own call.
/// </remarks>
public sealed class BatchingImageCaptioner : DelegatingImageCaptioner
{
    // Distinct option sets get a batcher each; a client that varies them endlessly stops getting new ones here.
    private const int MaxOptionSets = 32;

    private readonly BatchingOptions _options;
    private readonly string? _modelId;
    private readonly ConcurrentDictionary<string, MicroBatcher<ImageData, CaptionResult>> _batchers = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private bool _disposed;

    /// <summary>Wraps a captioner.</summary>
    /// <param name="innerCaptioner">The captioner batches go to.</param>
    /// <param name="options">Batch size, wait and queue length; <see langword="null"/> for the defaults.</param>
    /// <param name="modelId">The model's name for the batching metrics, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerCaptioner"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public BatchingImageCaptioner(IImageCaptioner innerCaptioner, BatchingOptions? options = null, string? modelId = null)
        : base(innerCaptioner)
    {
        _options = options?.Clone() ?? new BatchingOptions();
        _options.Validate();
        _modelId = modelId;
    }

    /// <inheritdoc/>
    /// <exception cref="PipelineBusyException">The batch queue is full.</exception>
    public override Task<IReadOnlyList<CaptionResult>> CaptionAsync(IReadOnlyList<ImageData> images, CaptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0 || KeyOf(options) is not { } key)
        {
            return base.CaptionAsync(images, options, cancellationToken);
        }

        MicroBatcher<ImageData, CaptionResult>? batcher;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_batchers.TryGetValue(key, out batcher) && _batchers.Count < MaxOptionSets)
            {
                var copy = options?.Clone();
                batcher = new MicroBatcher<ImageData, CaptionResult>("captioner", _modelId, _options, (batch, ct) => InnerCaptioner.CaptionAsync(batch, copy, ct));
                _batchers[key] = batcher;
            }
        }

        return batcher is null ? base.CaptionAsync(images, options, cancellationToken) : batcher.RunAsync(images, cancellationToken);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_gate)
            {
                _disposed = true;
            }

            foreach (var batcher in _batchers.Values)
            {
                batcher.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>A string naming every option that changes a caption, or <see langword="null"/> when the call must not share a batch.</summary>
    private static string? KeyOf(CaptionOptions? o)
    {
        if (o is null)
        {
            return string.Empty;
        }

        if (o.GetType() != typeof(CaptionOptions) || o.DoSample == true)
        {
            return null;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{o.MaxNewTokens}|{o.NumBeams}|{o.LengthPenalty}|{o.EarlyStopping}|{o.NumReturnSequences}|{o.DoSample}|{o.Temperature}|{o.TopK}|{o.TopP}|{o.Seed}|{o.RepetitionPenalty}|{o.NoRepeatNgramSize}|{o.Prefix?.Length}:{o.Prefix}");
    }
}

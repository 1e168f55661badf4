using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace Multimodal.Sdk;

/// <summary>
/// CLIP over sampled frames: each frame is embedded by an <see cref="IClipEncoder"/> (L2-normalized), segments and the
/// whole video are the normalized means of their frames' embeddings (temporal mean pooling, as CLIP4Clip's
/// parameter-free "meanP" variant). Frames are streamed from the decoder and embedded in batches, so memory holds one
/// batch of frames plus one vector per frame.
/// </summary>
/// <remarks>Safe for concurrent use (the CLIP encoder and the decoder are). Disposes the CLIP encoder when it owns it.</remarks>
public sealed class ClipVideoEncoder : IVideoEncoder, IWarmable
{
    private const int BatchSize = 16;

    private readonly IClipEncoder _clip;
    private readonly IVideoDecoder _decoder;
    private readonly bool _ownsClip;

    /// <summary>Loads a CLIP model folder and reads videos with ffmpeg.</summary>
    /// <param name="clipModelPath">The CLIP model folder.</param>
    /// <param name="options">Session settings, limits and where ffmpeg is; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException"><paramref name="clipModelPath"/> is empty.</exception>
    /// <exception cref="ModelNotFoundException">The folder or a file it needs is missing.</exception>
    /// <exception cref="ModelIncompatibleException">The folder is not a CLIP model.</exception>
    public ClipVideoEncoder(string clipModelPath, MultimodalOptions? options = null)
        : this(new ClipEncoder(clipModelPath, options), new FfmpegVideoDecoder(options), ownsClip: true)
    {
    }

    /// <summary>Embeds videos with a given CLIP encoder and decoder.</summary>
    /// <param name="clip">The frame and text encoder.</param>
    /// <param name="decoder">The video decoder; <see langword="null"/> for <see cref="FfmpegVideoDecoder"/> with default options.</param>
    /// <param name="ownsClip">Whether disposing this disposes <paramref name="clip"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="clip"/> is <see langword="null"/>.</exception>
    public ClipVideoEncoder(IClipEncoder clip, IVideoDecoder? decoder = null, bool ownsClip = false)
    {
        ArgumentNullException.ThrowIfNull(clip);
        _clip = clip;
        _decoder = decoder ?? new FfmpegVideoDecoder();
        _ownsClip = ownsClip;
    }

    /// <inheritdoc/>
    public async Task<VideoEmbedding> EmbedVideoAsync(string path, VideoEmbeddingOptions? options = null, CancellationToken cancellationToken = default)
    {
        options = options?.Clone() ?? new VideoEmbeddingOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.SegmentLength, TimeSpan.Zero, nameof(options));
        var info = await _decoder.ProbeAsync(path, cancellationToken).ConfigureAwait(false);
        var frames = new List<FrameEmbedding>();
        var batch = new List<VideoFrame>(BatchSize);
        await foreach (var frame in _decoder.ReadFramesAsync(path, options.Sampling, cancellationToken).ConfigureAwait(false))
        {
            batch.Add(frame);
            if (batch.Count == BatchSize)
            {
                await EmbedBatchAsync(batch, frames, cancellationToken).ConfigureAwait(false);
            }
        }

        await EmbedBatchAsync(batch, frames, cancellationToken).ConfigureAwait(false);
        var duration = info.Duration > frames[^1].Time ? info.Duration : frames[^1].Time;
        var segments = new List<SegmentEmbedding>();
        for (int start = 0; start < frames.Count;)
        {
            long segment = (long)(frames[start].Time.Ticks / options.SegmentLength.Ticks);
            int end = start;
            while (end < frames.Count && (long)(frames[end].Time.Ticks / options.SegmentLength.Ticks) == segment)
            {
                end++;
            }

            var segmentEnd = end < frames.Count ? frames[end].Time : duration;
            segments.Add(new SegmentEmbedding(frames[start].Time, segmentEnd, MeanNormalized(frames, start, end)));
            start = end;
        }

        var vector = new Embedding<float>(MeanNormalized(frames, 0, frames.Count)) { ModelId = _clip.GetService(typeof(ClipEncoderMetadata)) is ClipEncoderMetadata m ? Path.GetFileName(m.ModelPath) : null };
        return new VideoEmbedding(path, duration, vector, frames, segments);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<Embedding<float>>> EmbedTextsAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
        _clip.EmbedTextsAsync(texts, cancellationToken);

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : _clip.GetService(serviceType, serviceKey);
    }

    Task IWarmable.WarmUpAsync(CancellationToken cancellationToken) =>
        _clip is IWarmable warm ? warm.WarmUpAsync(cancellationToken) : Task.CompletedTask;

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsClip)
        {
            _clip.Dispose();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"ClipVideoEncoder({_clip})";

    private static float[] MeanNormalized(List<FrameEmbedding> frames, int start, int end)
    {
        var mean = new float[frames[start].Vector.Length];
        for (int i = start; i < end; i++)
        {
            TensorPrimitives.Add(mean, frames[i].Vector.Span, mean);
        }

        float norm = TensorPrimitives.Norm(mean);
        TensorPrimitives.Divide(mean, norm > 0 ? norm : 1f, mean);
        return mean;
    }

    private async Task EmbedBatchAsync(List<VideoFrame> batch, List<FrameEmbedding> into, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var embeddings = await _clip.EmbedImagesAsync([.. batch.Select(f => f.Image)], cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < batch.Count; i++)
        {
            into.Add(new FrameEmbedding(batch[i].Time, embeddings[i].Vector));
        }

        batch.Clear();
    }
}

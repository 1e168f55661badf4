namespace Multimodal.Sdk;

/// <summary>
/// A storyboard from an image captioner: sampled frames (one a second by default) are captioned in batches as they are
/// decoded, and consecutive frames with the same caption become one entry spanning from the first of them to the next
/// entry's first frame.
/// </summary>
/// <remarks>Safe for concurrent use (the captioner and the decoder are). Disposes the captioner when it owns it.</remarks>
public sealed class VideoCaptioner : IVideoCaptioner, IWarmable
{
    private const int BatchSize = 16;

    private readonly IImageCaptioner _captioner;
    private readonly IVideoDecoder _decoder;
    private readonly bool _ownsCaptioner;

    /// <summary>Loads an image-captioning model folder and reads videos with ffmpeg.</summary>
    /// <param name="captionerModelPath">The vision-encoder-decoder model folder.</param>
    /// <param name="options">Session settings, limits and where ffmpeg is; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException"><paramref name="captionerModelPath"/> is empty.</exception>
    /// <exception cref="ModelNotFoundException">The folder or a file it needs is missing.</exception>
    /// <exception cref="ModelIncompatibleException">The folder is not a captioning model.</exception>
    public VideoCaptioner(string captionerModelPath, MultimodalOptions? options = null)
        : this(new ImageCaptioner(captionerModelPath, options), new FfmpegVideoDecoder(options), ownsCaptioner: true)
    {
    }

    /// <summary>Tells videos with a given captioner and decoder.</summary>
    /// <param name="captioner">The frame captioner.</param>
    /// <param name="decoder">The video decoder; <see langword="null"/> for <see cref="FfmpegVideoDecoder"/> with default options.</param>
    /// <param name="ownsCaptioner">Whether disposing this disposes <paramref name="captioner"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="captioner"/> is <see langword="null"/>.</exception>
    public VideoCaptioner(IImageCaptioner captioner, IVideoDecoder? decoder = null, bool ownsCaptioner = false)
    {
        ArgumentNullException.ThrowIfNull(captioner);
        _captioner = captioner;
        _decoder = decoder ?? new FfmpegVideoDecoder();
        _ownsCaptioner = ownsCaptioner;
    }

    /// <inheritdoc/>
    public async Task<VideoStoryboard> CaptionAsync(string path, VideoCaptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        options = options?.Clone() ?? new VideoCaptionOptions();
        var info = await _decoder.ProbeAsync(path, cancellationToken).ConfigureAwait(false);
        var captioned = new List<(TimeSpan Time, string Caption)>();
        var batch = new List<VideoFrame>(BatchSize);
        await foreach (var frame in _decoder.ReadFramesAsync(path, options.Sampling ?? VideoSamplingOptions.Every(TimeSpan.FromSeconds(1)), cancellationToken).ConfigureAwait(false))
        {
            batch.Add(frame);
            if (batch.Count == BatchSize)
            {
                await CaptionBatchAsync(batch, options.Caption, captioned, cancellationToken).ConfigureAwait(false);
            }
        }

        await CaptionBatchAsync(batch, options.Caption, captioned, cancellationToken).ConfigureAwait(false);
        var duration = info.Duration > captioned[^1].Time ? info.Duration : captioned[^1].Time;
        return new VideoStoryboard(path, duration, Merge(captioned, duration));
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : _captioner.GetService(serviceType, serviceKey);
    }

    Task IWarmable.WarmUpAsync(CancellationToken cancellationToken) =>
        _captioner is IWarmable warm ? warm.WarmUpAsync(cancellationToken) : Task.CompletedTask;

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsCaptioner)
        {
            _captioner.Dispose();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"VideoCaptioner({_captioner})";

    /// <summary>Merges runs of identical captions; each entry ends where the next begins (the last at the video's end).</summary>
    internal static List<StoryboardEntry> Merge(IReadOnlyList<(TimeSpan Time, string Caption)> frames, TimeSpan duration)
    {
        var entries = new List<StoryboardEntry>();
        for (int i = 0; i < frames.Count;)
        {
            int j = i + 1;
            while (j < frames.Count && string.Equals(frames[j].Caption, frames[i].Caption, StringComparison.Ordinal))
            {
                j++;
            }

            entries.Add(new StoryboardEntry(frames[i].Time, j < frames.Count ? frames[j].Time : duration, frames[i].Caption, j - i));
            i = j;
        }

        return entries;
    }

    private async Task CaptionBatchAsync(List<VideoFrame> batch, CaptionOptions? options, List<(TimeSpan, string)> into, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var results = await _captioner.CaptionAsync([.. batch.Select(f => f.Image)], options, cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < batch.Count; i++)
        {
            into.Add((batch[i].Time, results[i].Text));
        }

        batch.Clear();
    }
}

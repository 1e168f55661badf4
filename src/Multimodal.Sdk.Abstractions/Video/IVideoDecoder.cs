namespace Multimodal.Sdk;

/// <summary>
/// Reads video files (MP4, WebM, MKV, MOV, GIF ...): probes them and streams sampled frames with their times, one
/// frame in memory at a time, so a two-hour video needs no more memory than a short one.
/// </summary>
/// <remarks>Implementations are safe for concurrent use.</remarks>
public interface IVideoDecoder
{
    /// <summary>Reads a video's length, frame rate, size, rotation and streams without decoding frames.</summary>
    /// <param name="path">The video file.</param>
    /// <param name="cancellationToken">Cancels the probe.</param>
    /// <returns>What the file holds.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InputDecodeException">The file is not a video the decoder reads (corrupt, truncated, empty, no video stream), or the decoder's program is not installed.</exception>
    /// <exception cref="InputTooLargeException">The frames or the duration exceed the configured limits.</exception>
    Task<VideoInfo> ProbeAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Streams the frames <paramref name="options"/> picks, in time order, each with its presentation time.</summary>
    /// <param name="path">The video file.</param>
    /// <param name="options">Which frames; <see langword="null"/> for 8 frames evenly over the video.</param>
    /// <param name="cancellationToken">Checked between frames; stops the decoder.</param>
    /// <returns>The frames, decoded as they are consumed.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InputDecodeException">The file is not a video the decoder reads, or the decoder's program is not installed.</exception>
    /// <exception cref="InputTooLargeException">The frames or the duration exceed the configured limits.</exception>
    IAsyncEnumerable<VideoFrame> ReadFramesAsync(string path, VideoSamplingOptions? options = null, CancellationToken cancellationToken = default);
}

using Microsoft.Extensions.AI;

namespace Multimodal.Sdk;

/// <summary>
/// Embeds videos and texts into one space (CLIP over sampled frames, pooled over time). Zero-shot classification and
/// moment search over the embeddings are in <see cref="VideoEncoderExtensions"/>.
/// </summary>
/// <remarks>Implementations are safe for concurrent use.</remarks>
public interface IVideoEncoder : IDisposable
{
    /// <summary>Embeds a video: every sampled frame, segments of it, and the whole.</summary>
    /// <param name="path">The video file.</param>
    /// <param name="options">Frame sampling and segment length; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Checked between frames.</param>
    /// <returns>The frame, segment and video embeddings.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InputDecodeException">The video cannot be decoded or has no frames.</exception>
    /// <exception cref="InputTooLargeException">The video exceeds the configured limits.</exception>
    Task<VideoEmbedding> EmbedVideoAsync(string path, VideoEmbeddingOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Embeds texts into the same space (queries, labels).</summary>
    /// <param name="texts">The texts; at least one.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>One L2-normalized embedding per text, in order.</returns>
    /// <exception cref="ArgumentException"><paramref name="texts"/> is empty.</exception>
    Task<IReadOnlyList<Embedding<float>>> EmbedTextsAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);

    /// <summary>Gets a service the encoder offers, such as its <see cref="ClipEncoderMetadata"/>.</summary>
    /// <param name="serviceType">The type asked for.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <returns>The service, or <see langword="null"/>.</returns>
    object? GetService(Type serviceType, object? serviceKey = null);
}

/// <summary>Per-call settings of <see cref="IVideoEncoder.EmbedVideoAsync"/>.</summary>
/// <remarks>Not safe for concurrent mutation; encoders copy it at the start of a call.</remarks>
public sealed class VideoEmbeddingOptions
{
    /// <summary>Gets or sets which frames are embedded; <see langword="null"/> for 8 frames evenly over the video.</summary>
    public VideoSamplingOptions? Sampling { get; set; }

    /// <summary>Gets or sets the length of the segments pooled separately (for long videos); 10 seconds by default.</summary>
    public TimeSpan SegmentLength { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Creates a copy (with a copy of <see cref="Sampling"/>).</summary>
    /// <returns>The copy.</returns>
    public VideoEmbeddingOptions Clone() => new() { Sampling = Sampling?.Clone(), SegmentLength = SegmentLength };
}

/// <summary>The embedding of one sampled frame.</summary>
/// <param name="Time">The frame's presentation time.</param>
/// <param name="Vector">The L2-normalized embedding.</param>
public sealed record FrameEmbedding(TimeSpan Time, ReadOnlyMemory<float> Vector);

/// <summary>The pooled embedding of a stretch of video.</summary>
/// <param name="Start">The time of the first frame in the segment.</param>
/// <param name="End">The end of the segment (the next segment's start, or the video's end).</param>
/// <param name="Vector">The L2-normalized mean of the segment's frame embeddings.</param>
public sealed record SegmentEmbedding(TimeSpan Start, TimeSpan End, ReadOnlyMemory<float> Vector);

/// <summary>A video in an embedding space: each sampled frame, segments, and the whole video (temporal mean pooling).</summary>
/// <param name="Path">The video file.</param>
/// <param name="Duration">The video's length.</param>
/// <param name="Vector">The L2-normalized mean of the L2-normalized frame embeddings: the video's embedding.</param>
/// <param name="Frames">The frame embeddings, in time order.</param>
/// <param name="Segments">The segment embeddings, in time order.</param>
public sealed record VideoEmbedding(string Path, TimeSpan Duration, Embedding<float> Vector, IReadOnlyList<FrameEmbedding> Frames, IReadOnlyList<SegmentEmbedding> Segments);

/// <summary>A stretch of video that matches a query, or, for a question about an event ("when does X appear?"), the event.</summary>
/// <param name="Start">The time of the first matching frame; for an event, the event time (the first frame that shows X, or no longer shows it).</param>
/// <param name="End">The time of the first frame after the match (or the video's end); for an event, the next frame's time.</param>
/// <param name="Score">The mean cosine similarity of the matching frames to the query (for an event, of the frames that show X beside it).</param>
public sealed record VideoMoment(TimeSpan Start, TimeSpan End, float Score);

/// <summary>Per-call settings of moment search.</summary>
/// <remarks>Not safe for concurrent mutation.</remarks>
public sealed class MomentSearchOptions
{
    /// <summary>Gets or sets which frames are compared with the query; <see langword="null"/> for every frame (the most precise times).</summary>
    public VideoSamplingOptions? Sampling { get; set; }

    /// <summary>Gets or sets the most moments returned, best first; <see langword="null"/> for all.</summary>
    public int? MaxMoments { get; set; }

    /// <summary>Creates a copy.</summary>
    /// <returns>The copy.</returns>
    public MomentSearchOptions Clone() => new() { Sampling = Sampling?.Clone(), MaxMoments = MaxMoments };
}

namespace Multimodal.Sdk;

/// <summary>Tells a video's story in captions: sampled frames captioned with their times, consecutive identical captions merged.</summary>
/// <remarks>Implementations are safe for concurrent use.</remarks>
public interface IVideoCaptioner : IDisposable
{
    /// <summary>Captions a video's sampled frames.</summary>
    /// <param name="path">The video file.</param>
    /// <param name="options">Frame sampling and decoding settings; <see langword="null"/> for one frame a second, greedy.</param>
    /// <param name="cancellationToken">Checked between frames and decoding steps.</param>
    /// <returns>The storyboard: one entry per run of identical captions.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InputDecodeException">The video cannot be decoded or has no frames.</exception>
    /// <exception cref="InputTooLargeException">The video exceeds the configured limits.</exception>
    Task<VideoStoryboard> CaptionAsync(string path, VideoCaptionOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Gets a service the captioner offers.</summary>
    /// <param name="serviceType">The type asked for.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <returns>The service, or <see langword="null"/>.</returns>
    object? GetService(Type serviceType, object? serviceKey = null);
}

/// <summary>Per-call storyboard settings: frame sampling plus the image captioner's decoding settings.</summary>
/// <remarks>Not safe for concurrent mutation; captioners copy it at the start of a call.</remarks>
public sealed class VideoCaptionOptions
{
    /// <summary>Gets or sets which frames are captioned; <see langword="null"/> for one frame a second.</summary>
    public VideoSamplingOptions? Sampling { get; set; }

    /// <summary>Gets or sets the decoding settings of each frame's caption; <see langword="null"/> for the model's defaults.</summary>
    public CaptionOptions? Caption { get; set; }

    /// <summary>Creates a copy.</summary>
    /// <returns>The copy.</returns>
    public VideoCaptionOptions Clone() => new() { Sampling = Sampling?.Clone(), Caption = Caption?.Clone() };
}

/// <summary>One run of frames with the same caption.</summary>
/// <param name="Start">The time of the run's first frame.</param>
/// <param name="End">The time of the next run's first frame, or the video's end.</param>
/// <param name="Caption">The caption.</param>
/// <param name="FrameCount">How many sampled frames the run holds.</param>
public sealed record StoryboardEntry(TimeSpan Start, TimeSpan End, string Caption, int FrameCount);

/// <summary>A video told in captions.</summary>
/// <param name="Path">The video file.</param>
/// <param name="Duration">The video's length.</param>
/// <param name="Entries">The runs of identical captions, in time order.</param>
public sealed record VideoStoryboard(string Path, TimeSpan Duration, IReadOnlyList<StoryboardEntry> Entries);

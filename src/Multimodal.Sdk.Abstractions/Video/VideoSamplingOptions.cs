namespace Multimodal.Sdk;

/// <summary>How frames are picked from a video.</summary>
public enum FrameSampling
{
    /// <summary><see cref="VideoSamplingOptions.FrameCount"/> frames evenly over the whole video (the indices of <c>numpy.linspace(0, total - 1, n)</c>, as Hugging Face video processors sample).</summary>
    Uniform,

    /// <summary>The first frame of every <see cref="VideoSamplingOptions.Interval"/> (one frame every T seconds).</summary>
    Interval,

    /// <summary>The first frame and every frame whose difference from the previous one exceeds <see cref="VideoSamplingOptions.SceneThreshold"/> (scene changes).</summary>
    SceneChange,

    /// <summary>The key frames (intra-coded frames) only: the cheapest, since the others are not decoded.</summary>
    Keyframes,

    /// <summary>Every frame.</summary>
    All,
}

/// <summary>Per-call settings for picking frames from a video.</summary>
/// <remarks>Not safe for concurrent mutation; decoders copy what they need at the start of a call.</remarks>
public sealed class VideoSamplingOptions
{
    /// <summary>Gets or sets how frames are picked; <see cref="FrameSampling.Uniform"/> by default.</summary>
    public FrameSampling Mode { get; set; } = FrameSampling.Uniform;

    /// <summary>Gets or sets how many frames <see cref="FrameSampling.Uniform"/> picks; 8 by default.</summary>
    public int FrameCount { get; set; } = 8;

    /// <summary>Gets or sets the spacing of <see cref="FrameSampling.Interval"/>; one second by default.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the scene score (0..1, ffmpeg's <c>scene</c>) above which <see cref="FrameSampling.SceneChange"/> keeps a frame; 0.3 by default.</summary>
    public double SceneThreshold { get; set; } = 0.3;

    /// <summary>Gets or sets the most frames returned (the rest are not decoded); <see langword="null"/> for no cap.</summary>
    public int? MaxFrames { get; set; }

    /// <summary>
    /// Gets or sets whether the decoder may write every frame into one reused pixel buffer; <see langword="false"/>
    /// by default. When <see langword="true"/>, a frame's <see cref="VideoFrame.Image"/> pixels are valid only until
    /// the next frame is requested (the enumerator's next <c>MoveNextAsync</c>) or the enumeration ends: use or copy
    /// them (<c>frame.Image.RgbPixels.ToArray()</c>) before moving on. Saves one frame-sized allocation a frame for
    /// callers that process frames one at a time; with the default, every frame owns its pixels and stays valid.
    /// </summary>
    public bool ReuseFrameBuffer { get; set; }

    /// <summary>Picks <paramref name="count"/> frames evenly over the video.</summary>
    /// <param name="count">The number of frames, at least 1.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive.</exception>
    public static VideoSamplingOptions Uniform(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return new() { Mode = FrameSampling.Uniform, FrameCount = count };
    }

    /// <summary>Picks one frame every <paramref name="interval"/>.</summary>
    /// <param name="interval">The spacing, greater than zero.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is not positive.</exception>
    public static VideoSamplingOptions Every(TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        return new() { Mode = FrameSampling.Interval, Interval = interval };
    }

    /// <summary>Picks every frame.</summary>
    /// <returns>The options.</returns>
    public static VideoSamplingOptions AllFrames() => new() { Mode = FrameSampling.All };

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentOutOfRangeException(nameof(Mode), Mode, "Unknown frame sampling mode.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(FrameCount, nameof(FrameCount));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Interval, TimeSpan.Zero, nameof(Interval));
        if (!(SceneThreshold is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(SceneThreshold), SceneThreshold, "The scene threshold must be between 0 and 1.");
        }

        if (MaxFrames is { } max)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max, nameof(MaxFrames));
        }
    }

    /// <summary>Creates a copy.</summary>
    /// <returns>The copy.</returns>
    public VideoSamplingOptions Clone() => (VideoSamplingOptions)MemberwiseClone();

    /// <inheritdoc/>
    public override string ToString() => Mode switch
    {
        FrameSampling.Uniform => $"{FrameCount} frames evenly",
        FrameSampling.Interval => $"one frame every {Interval.TotalSeconds:0.###} s",
        FrameSampling.SceneChange => $"scene changes over {SceneThreshold:0.##}",
        FrameSampling.Keyframes => "key frames",
        _ => "every frame",
    };
}

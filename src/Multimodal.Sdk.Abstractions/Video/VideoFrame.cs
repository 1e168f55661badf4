namespace Multimodal.Sdk;

/// <summary>One decoded video frame: upright 8-bit RGB pixels and the time at which it is shown.</summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed class VideoFrame
{
    /// <summary>Creates a frame.</summary>
    /// <param name="time">The presentation time from the start of the video.</param>
    /// <param name="index">The frame's position among the frames the sampler returned (0, 1, 2 ...).</param>
    /// <param name="image">The pixels, as <see cref="ImageData.FromPixels"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is <see langword="null"/>.</exception>
    public VideoFrame(TimeSpan time, int index, ImageData image)
    {
        ArgumentNullException.ThrowIfNull(image);
        Time = time;
        Index = index;
        Image = image;
    }

    /// <summary>Gets the presentation time from the start of the video.</summary>
    public TimeSpan Time { get; }

    /// <summary>Gets the frame's position among the sampled frames.</summary>
    public int Index { get; }

    /// <summary>Gets the pixels (raw RGB, <see cref="ImageData.Width"/> x <see cref="ImageData.Height"/>).</summary>
    public ImageData Image { get; }

    /// <inheritdoc/>
    public override string ToString() => $"frame {Index} at {Time.TotalSeconds:F3} s ({Image.Width}x{Image.Height})";
}

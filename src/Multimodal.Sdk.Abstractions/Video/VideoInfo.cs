namespace Multimodal.Sdk;

/// <summary>What a probe of a video file found: its length, frame rate, display size, rotation and streams.</summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed class VideoInfo
{
    /// <summary>Gets the file that was probed.</summary>
    public required string Path { get; init; }

    /// <summary>Gets the container's name as ffmpeg reports it (<c>mov,mp4,m4a,3gp,3g2,mj2</c>, <c>matroska,webm</c>, <c>gif</c> ...).</summary>
    public string? Container { get; init; }

    /// <summary>Gets the length of the video; <see cref="TimeSpan.Zero"/> when the container does not say.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Gets the average frame rate in frames per second (0 when unknown).</summary>
    public double FrameRate { get; init; }

    /// <summary>Gets the number of video frames when the container states it; <see langword="null"/> otherwise.</summary>
    public long? FrameCount { get; init; }

    /// <summary>Gets the width of decoded frames as displayed, in pixels (after <see cref="Rotation"/> is applied).</summary>
    public int Width { get; init; }

    /// <summary>Gets the height of decoded frames as displayed, in pixels (after <see cref="Rotation"/> is applied).</summary>
    public int Height { get; init; }

    /// <summary>Gets the rotation the file asks players to apply, in degrees counter-clockwise (0, 90, 180 or 270); frames are decoded upright.</summary>
    public int Rotation { get; init; }

    /// <summary>Gets the codec of the first video stream (<c>h264</c>, <c>vp9</c>, <c>gif</c> ...).</summary>
    public string? VideoCodec { get; init; }

    /// <summary>Gets a value indicating whether the file has an audio stream.</summary>
    public bool HasAudio => Streams.Any(s => s.Kind == "audio");

    /// <summary>Gets every stream of the file, in container order.</summary>
    public IReadOnlyList<MediaStreamInfo> Streams { get; init; } = [];
}

/// <summary>One stream of a media file.</summary>
/// <param name="Index">The stream's index in the container.</param>
/// <param name="Kind"><c>video</c>, <c>audio</c>, <c>subtitle</c>, <c>data</c> or <c>attachment</c>.</param>
/// <param name="Codec">The codec's short name, when known.</param>
public sealed record MediaStreamInfo(int Index, string Kind, string? Codec);

namespace Multimodal.Sdk;

/// <summary>
/// A video's input to a LLaVA-NeXT-Video style model: the processor's uniform sampling (<c>num_frames</c> at
/// <c>numpy.linspace(0, total - 1, num_frames).astype(int)</c>), decoded, then the video encoder.
/// </summary>
/// <remarks>Stateless; safe for concurrent use.</remarks>
internal static class VideoLanguageFrames
{
    /// <exception cref="InputDecodeException">The video cannot be decoded.</exception>
    public static async Task<ImageFeatures> EncodeAsync(VisionLanguageModel model, IVideoDecoder decoder, string path, CancellationToken cancellationToken)
    {
        int count = model.FramesPerVideo;
        var frames = new List<ImageData>(count);
        await foreach (var frame in decoder.ReadFramesAsync(path, VideoSamplingOptions.Uniform(count), cancellationToken).ConfigureAwait(false))
        {
            frames.Add(frame.Image);
        }

        if (frames.Count < count)
        {
            // A clip shorter than num_frames: linspace repeats indices, the decoder returns each frame once.
            var distinct = frames;
            frames = [.. FfmpegVideoDecoder.UniformIndices(distinct.Count, count).Select(i => distinct[(int)i])];
        }

        return await Task.Run(() => model.EncodeVideo(frames, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes video bytes to a temporary file (ffmpeg needs to seek in MP4s whose index is at the end); the caller deletes it.</summary>
    public static string WriteTemporary(ReadOnlyMemory<byte> bytes, string mediaType)
    {
        string extension = mediaType.ToLowerInvariant() switch
        {
            "video/webm" => ".webm",
            "video/x-matroska" or "video/matroska" => ".mkv",
            "video/quicktime" => ".mov",
            "image/gif" or "video/gif" => ".gif",
            _ => ".mp4",
        };
        string path = Path.Combine(Path.GetTempPath(), "mm-video-" + Guid.NewGuid().ToString("N") + extension);
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            file.Write(bytes.Span);
        }

        return path;
    }

    public static void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // A temporary file left behind is not worth failing the answer for.
        }
        catch (UnauthorizedAccessException)
        {
            // Likewise.
        }
    }
}

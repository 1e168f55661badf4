using Microsoft.Extensions.AI;

namespace Multimodal.Sdk;

/// <summary>
/// Chat about videos with a LLaVA-NeXT-Video style model, as Microsoft.Extensions.AI's <see cref="IChatClient"/>: a video
/// is a <see cref="DataContent"/> with a <c>video/*</c> media type (<c>video/mp4</c>, <c>video/webm</c>,
/// <c>video/x-matroska</c>, <c>video/quicktime</c>) in any message, mixed with text. The decode loop, chat template,
/// options mapping and streaming are <see cref="VisionChatClient"/>'s; this client turns each video into the model's
/// <c>num_frames</c> evenly sampled frames and its video features, cached by content so a video that stays in the
/// history is decoded once.
/// </summary>
/// <remarks>
/// Safe for concurrent use. The video bytes are written to a temporary file for ffmpeg (which needs to seek in MP4s)
/// and decoded on the thread pool while the prompt is prepared; the file is deleted at once. Owns its ONNX Runtime
/// sessions; dispose it to release them.
/// </remarks>
public sealed class VideoChatClient : DelegatingChatClient
{
    /// <summary>Loads a video-language model folder and reads videos with ffmpeg.</summary>
    /// <param name="modelPath">The model folder.</param>
    /// <param name="options">Session settings, limits and where ffmpeg is; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    /// <exception cref="ModelNotFoundException">The folder or a file it needs is missing.</exception>
    /// <exception cref="ModelIncompatibleException">The folder is not a LLaVA-NeXT-Video style model, or a graph breaks the contract.</exception>
    public VideoChatClient(string modelPath, MultimodalOptions? options = null)
        : this(Load(new OnnxSessionFactory(options), modelPath), new FfmpegVideoDecoder(options))
    {
    }

    internal VideoChatClient(ModelLease<VisionLanguageModel> model, IVideoDecoder decoder)
        : base(new VisionChatClient(model, "video/", (data, cancellationToken) => Encode(model.Value, decoder, data, cancellationToken)))
    {
    }

    internal static ModelLease<VisionLanguageModel> Load(OnnxSessionFactory factory, string modelPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        var model = new VisionLanguageModel(factory, modelPath, "Video chat", VisualMediaContract.Video);
        return new ModelLease<VisionLanguageModel>(model, model.Dispose);
    }

    // Called on the thread pool by VisionChatClient's prompt preparation (a synchronous step), so waiting here blocks no caller's thread.
    private static ImageFeatures Encode(VisionLanguageModel model, IVideoDecoder decoder, DataContent data, CancellationToken cancellationToken)
    {
        string path = VideoLanguageFrames.WriteTemporary(data.Data, data.MediaType);
        try
        {
            return VideoLanguageFrames.EncodeAsync(model, decoder, path, cancellationToken).GetAwaiter().GetResult();
        }
        finally
        {
            VideoLanguageFrames.Delete(path);
        }
    }
}

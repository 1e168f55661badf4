namespace Multimodal.Sdk;

/// <summary>
/// Video question answering with a LLaVA-NeXT-Video style folder (<c>model_type</c> <c>llava_next_video</c>:
/// <c>onnx/vision_encoder.onnx</c> taking <c>pixel_values_videos</c> [1, num_frames, 3, H, W] and returning the pooled,
/// projected <c>video_features</c>; <c>embed_tokens.onnx</c> and <c>decoder_model_merged.onnx</c> as LLaVA). The
/// processor's <c>num_frames</c> frames are sampled evenly, encoded once per video, and spliced over the expanded
/// <c>&lt;video&gt;</c> placeholder of the chat template's prompt for each question; answers are decoded by the same loop
/// as image visual QA.
/// </summary>
/// <remarks>Safe for concurrent use. Owns its ONNX Runtime sessions (or a lease on a model shared with video chat); dispose it to release them.</remarks>
public sealed class VideoQa : IVideoQa, IWarmable
{
    private readonly VisionLanguageModel _model;
    private readonly IDisposable _owner;
    private readonly IVideoDecoder _decoder;

    /// <summary>Loads a video-language model folder and reads videos with ffmpeg.</summary>
    /// <param name="modelPath">The model folder.</param>
    /// <param name="options">Session settings, limits and where ffmpeg is; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    /// <exception cref="ModelNotFoundException">The folder or a file it needs is missing.</exception>
    /// <exception cref="ModelIncompatibleException">The folder is not a LLaVA-NeXT-Video style model, or a graph breaks the contract.</exception>
    public VideoQa(string modelPath, MultimodalOptions? options = null)
        : this(new OnnxSessionFactory(options), modelPath, new FfmpegVideoDecoder(options))
    {
    }

    internal VideoQa(OnnxSessionFactory factory, string modelPath, IVideoDecoder decoder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        _model = new VisionLanguageModel(factory, modelPath, "Video QA", VisualMediaContract.Video);
        _owner = _model;
        _decoder = decoder;
    }

    internal VideoQa(ModelLease<VisionLanguageModel> model, IVideoDecoder decoder)
    {
        _model = model.Value;
        _owner = model;
        _decoder = decoder;
    }

    /// <summary>Gets how many times the video encoder ran (once per video, whatever the number of questions).</summary>
    internal int VideoEncoderRuns => _model.VisionEncoderRuns;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<VisualQaResult>> AnswerAsync(string path, IReadOnlyList<string> questions, VisualQaOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        VisualQa.RequireQuestions(questions, "video");

        var settingsOptions = options?.Clone();
        var features = await VideoLanguageFrames.EncodeAsync(_model, _decoder, path, cancellationToken).ConfigureAwait(false);
        return await _model.AnswerEachAsync(features, questions, settingsOptions, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }

    async Task IWarmable.WarmUpAsync(CancellationToken cancellationToken)
    {
        var (height, width) = _model.ImageSize;
        var blank = ImageData.FromPixels(new byte[width * height * 3], width, height);
        var features = await Task.Run(() => _model.EncodeVideo(Enumerable.Repeat(blank, _model.FramesPerVideo).ToList(), cancellationToken), cancellationToken).ConfigureAwait(false);
        int[] ids = _model.BuildPrompt([_model.Message("user", [(true, null), (false, "warm up")])], 1);
        using var embeddings = _model.Embed(ids, [features]);
        await _model.GenerateAsync(ids, embeddings, _model.Settings(new GenerationOptions { MaxNewTokens = 1 }, ids.Length), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Dispose() => _owner.Dispose();

    /// <inheritdoc/>
    public override string ToString() => $"VideoQa({_model.ModelPath})";
}

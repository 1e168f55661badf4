namespace Multimodal.Sdk;

/// <summary>
/// Visual question answering on a LLaVA / BLIP-2 style export or an Idefics3 one (SmolVLM v1; <c>onnx/vision_encoder.onnx</c>,
/// <c>onnx/embed_tokens.onnx</c>, <c>onnx/decoder_model_merged.onnx</c> with <c>inputs_embeds</c>): each question is
/// put into a user turn with the image through the model's chat template, and the answer is generated greedily
/// (or as <see cref="GenerationOptions"/> say) until the end-of-turn token. All questions of one call share one run
/// of the vision encoder.
/// </summary>
/// <remarks>Safe for concurrent use. Owns its ONNX Runtime sessions; dispose it to release them.</remarks>
public sealed class VisualQa : IVisualQa, IWarmable, IEncoderBatching
{
    private readonly VisionLanguageModel _model;
    private readonly IDisposable _owner;

    /// <summary>Loads a vision-language model folder with default options on the CPU.</summary>
    /// <param name="modelPath">The model folder.</param>
    /// <param name="options">Session and input-limit settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    /// <exception cref="ModelNotFoundException">The folder or a file it needs is missing.</exception>
    /// <exception cref="ModelIncompatibleException">The folder is not a LLaVA-style model (<c>model_type</c> 'llava', or 'idefics3' for SmolVLM v1), its chat template does not parse, or a graph breaks the contract.</exception>
    public VisualQa(string modelPath, MultimodalOptions? options = null)
        : this(new OnnxSessionFactory(options), modelPath)
    {
    }

    internal VisualQa(OnnxSessionFactory factory, string modelPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        _model = new VisionLanguageModel(factory, modelPath, "Visual QA");
        _owner = _model;
    }

    /// <summary>Answers on a model shared with other pipelines (vision chat over the same folder); disposing releases the lease.</summary>
    internal VisualQa(ModelLease<VisionLanguageModel> model)
    {
        _model = model.Value;
        _owner = model;
    }

    /// <summary>Gets the loaded model; tests prove sharing with it.</summary>
    internal VisionLanguageModel Model => _model;

    /// <summary>Gets how many times the vision encoder ran; tests use it to prove one run per image.</summary>
    internal int VisionEncoderRuns => _model.VisionEncoderRuns;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<VisualQaResult>> AnswerAsync(ImageData image, IReadOnlyList<string> questions, VisualQaOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        RequireQuestions(questions, "image");

        var settingsOptions = options?.Clone();
        return await Task.Run(() => AnswerCoreAsync(image, questions, settingsOptions, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks a question list for image or video QA: at least one question, none empty.</summary>
    /// <param name="questions">The questions.</param>
    /// <param name="subject">What they are about (<c>image</c>, <c>video</c>), for the message.</param>
    internal static void RequireQuestions(IReadOnlyList<string> questions, string subject)
    {
        ArgumentNullException.ThrowIfNull(questions);
        if (questions.Count == 0)
        {
            throw new ArgumentException("At least one question is needed.", nameof(questions));
        }

        for (int i = 0; i < questions.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(questions[i]))
            {
                throw new ArgumentException($"Question {i} is empty; ask something about the {subject}.", nameof(questions));
            }
        }
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }

    void IEncoderBatching.EnableEncoderBatching(BatchingOptions options, string? modelId) => _model.EnableEncoderBatching(options, modelId);

    async Task IWarmable.WarmUpAsync(CancellationToken cancellationToken)
    {
        var (height, width) = _model.ImageSize;
        await AnswerAsync(ImageData.FromPixels(new byte[width * height * 3], width, height), ["warm up"], new VisualQaOptions { MaxNewTokens = 1 }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Dispose() => _owner.Dispose();

    /// <inheritdoc/>
    public override string ToString() => $"VisualQa({_model.ModelPath})";

    private async Task<IReadOnlyList<VisualQaResult>> AnswerCoreAsync(ImageData image, IReadOnlyList<string> questions, VisualQaOptions? settingsOptions, CancellationToken cancellationToken)
    {
        var features = await _model.EncodeImageAsync(image, cancellationToken).ConfigureAwait(false);
        return await _model.AnswerEachAsync(features, questions, settingsOptions, cancellationToken).ConfigureAwait(false);
    }
}

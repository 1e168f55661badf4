using Microsoft.ML.OnnxRuntime;

namespace Multimodal.Sdk;

/// <summary>
/// Image captioning on a vision-encoder-decoder export (ViT + GPT-2 style): <c>onnx/encoder_model.onnx</c> and the
/// decoder as <c>decoder_model_merged.onnx</c> or the split pair <c>decoder_model.onnx</c> +
/// <c>decoder_with_past_model.onnx</c>. Greedy, beam search and sampling come from the shared generation engine.
/// </summary>
/// <remarks>Safe for concurrent use. Owns its ONNX Runtime sessions; dispose it to release them.</remarks>
public sealed class ImageCaptioner : IImageCaptioner, IWarmable
{
    private const int MaxBatch = 16;

    private readonly ModelSession _encoder;
    private readonly OnnxDecoder _decoder;
    private readonly Tokenizer _tokenizer;
    private readonly ImagePreprocessor _preprocessor;
    private readonly GenerationConfig _generation;
    private readonly int _startToken;
    private readonly string _modelPath;
    private readonly InputLimits _limits;
    private readonly int? _contextLength;

    /// <summary>Loads a captioning model folder with default options on the CPU.</summary>
    /// <param name="modelPath">The model folder.</param>
    /// <param name="options">Session and input-limit settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ModelNotFoundException">The folder or a file it needs is missing.</exception>
    /// <exception cref="ModelIncompatibleException">The folder is not a vision-encoder-decoder model, or its graphs break the contract.</exception>
    public ImageCaptioner(string modelPath, MultimodalOptions? options = null)
        : this(new OnnxSessionFactory(options), modelPath)
    {
    }

    internal ImageCaptioner(OnnxSessionFactory factory, string modelPath)
    {
        var folder = factory.OpenFolder(modelPath);
        folder.RequireModelType("The image captioner", "vision-encoder-decoder");
        _modelPath = folder.Path;
        _limits = factory.Options.Limits ?? new InputLimits();
        _contextLength = folder.Config.TryGetInt32("decoder.n_positions") ?? folder.Config.TryGetInt32("decoder.max_position_embeddings");
        _tokenizer = Tokenizer.Load(folder);
        _preprocessor = new ImagePreprocessor(ImagePreprocessorConfig.From(folder.GetJson("preprocessor_config.json"), folder.ModelType), factory.Options, ImageDecoderRegistration.Resolve(factory));
        _generation = GenerationConfig.From(folder.TryGetJson("generation_config.json"), folder.Config);
        _startToken = _generation.DecoderStartTokenId ?? _generation.BosTokenId
            ?? throw new ModelIncompatibleException(folder.Path, "config.json", $"Model folder '{folder.Path}' names no decoder_start_token_id (nor bos_token_id) in generation_config.json or config.json.");
        _encoder = factory.Create(folder, "encoder_model").Require(["pixel_values"], ["last_hidden_state"]);
        try
        {
            _preprocessor.RequireGraphSize(_encoder, folder.Path);
            _decoder = OnnxDecoder.Open(factory, folder);
        }
        catch
        {
            _encoder.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<CaptionResult>> CaptionAsync(IReadOnlyList<ImageData> images, CaptionOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.Run(() => CaptionCoreAsync(images, options, cancellationToken), cancellationToken);

    private async Task<IReadOnlyList<CaptionResult>> CaptionCoreAsync(IReadOnlyList<ImageData> images, CaptionOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            throw new ArgumentException("At least one image is needed.", nameof(images));
        }

        var prompt = new List<int> { _startToken };
        if (!string.IsNullOrEmpty(options?.Prefix))
        {
            prompt.AddRange(_tokenizer.Encode(options.Prefix, addSpecialTokens: false));
        }

        // A prefix past the decoder's positions used to reach ONNX Runtime as an index error; like ask, say so first.
        if (_contextLength is { } context && prompt.Count >= context)
        {
            throw new InputTooLargeException($"The caption prefix is {prompt.Count - 1} tokens; the model's decoder holds {context} positions, including the start token and at least one new token.", prompt.Count, context - 1);
        }

        var settings = GenerationSettings.Resolve(_generation, options, prompt.Count, _limits);
        if (_contextLength is { } positions && prompt.Count + settings.MaxNewTokens > positions)
        {
            settings = settings with { MaxNewTokens = positions - prompt.Count };
        }
        var results = new List<CaptionResult>(images.Count);
        for (int start = 0; start < images.Count; start += MaxBatch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var chunk = images.Skip(start).Take(MaxBatch).ToList();
            var (pixels, shape) = ImageBatch.Preprocess(_preprocessor, chunk, cancellationToken);
            using var pixelValues = OrtValue.CreateTensorValueFromMemory(pixels, shape);
            using var encoded = _encoder.Run(["pixel_values"], [pixelValues], ["last_hidden_state"], cancellationToken);
            var request = new GenerationRequest { Prompts = [.. Enumerable.Repeat<IReadOnlyList<int>>(prompt, chunk.Count)], EncoderHiddenStates = encoded[0] };
            var generated = await GenerationEngine.GenerateAsync(_decoder, request, settings, cancellationToken).ConfigureAwait(false);
            foreach (var sequences in generated.Sequences)
            {
                results.Add(new CaptionResult([.. sequences.Select(s => new Caption(Text(prompt, s.Tokens), (float)s.Score))]));
            }
        }

        return results;
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }

    async Task IWarmable.WarmUpAsync(CancellationToken cancellationToken)
    {
        var size = _preprocessor.FixedOutputSize!.Value;
        await CaptionAsync([ImageData.FromPixels(new byte[size.Width * size.Height * 3], size.Width, size.Height)], new CaptionOptions { MaxNewTokens = 2 }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _decoder.Dispose();
        _encoder.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"ImageCaptioner({_modelPath})";

    // The prefix is part of the caption; the start token and an ending eos are not.
    private string Text(List<int> prompt, int[] generated)
    {
        var ids = new int[prompt.Count - 1 + generated.Length];
        prompt.CopyTo(1, ids, 0, prompt.Count - 1);
        generated.CopyTo(ids, prompt.Count - 1);
        return CleanText(_tokenizer.Decode(ids, skipSpecialTokens: true));
    }

    /// <summary>
    /// Keeps only text a reader can use: byte-level BPE tokens can stop in the middle of a UTF-8 sequence (the decoder
    /// then yields U+FFFD) or spell control characters; both are dropped, other whitespace becomes one space.
    /// </summary>
    internal static string CleanText(string text)
    {
        var sb = new System.Text.StringBuilder(text.Length);
        bool space = false;
        foreach (char c in text)
        {
            if (c == '\uFFFD' || (char.IsControl(c) && !char.IsWhiteSpace(c)))
            {
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                space = sb.Length > 0;
                continue;
            }

            if (space)
            {
                sb.Append(' ');
                space = false;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}

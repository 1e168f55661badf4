using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Multimodal.Sdk;

/// <summary>
/// The LLaVA / BLIP-2 contract shared by visual QA and vision chat: <c>vision_encoder.onnx</c> (<c>pixel_values</c> ->
/// <c>image_features</c>), <c>embed_tokens.onnx</c> and an <c>inputs_embeds</c> decoder. A prompt is rendered with the
/// model's chat template, each image placeholder (<c>config.image_token_index</c>) is expanded to one token per
/// feature row, the prompt is embedded, and the image rows replace the placeholder rows in order. The same loop serves
/// LLaVA-NeXT-Video's video path (<see cref="VisualMediaContract.Video"/>): <c>pixel_values_videos</c> [1, frames, 3, H, W]
/// -> <c>video_features</c>, spliced over the expanded <c>video_token_index</c> placeholder.
/// </summary>
/// <remarks>Safe for concurrent use (ONNX Runtime sessions are; per-call state stays in the call).</remarks>
internal sealed class VisionLanguageModel : IDisposable
{
    private readonly ModelSession _vision;
    private readonly OnnxDecoder _decoder;
    private readonly ITokenEmbedder _embedder;
    private readonly ImagePreprocessor? _preprocessor;
    private readonly Idefics3ImageProcessor? _idefics;
    private readonly bool _pixelMask;
    private readonly Dictionary<string, object?> _templateVariables = new(StringComparer.Ordinal);
    private readonly bool _typedContent;
    private readonly int? _contextLength;
    private readonly InputLimits _limits;
    private readonly VisualMediaContract _media;
    private int _visionRuns;
    private MicroBatcher<float[], ImageFeatures>? _imageBatcher;

    /// <exception cref="ModelNotFoundException">The folder or a file it needs is missing.</exception>
    /// <exception cref="ModelIncompatibleException">The folder is not a LLaVA-style model, its chat template does not parse, or a graph breaks the contract.</exception>
    public VisionLanguageModel(OnnxSessionFactory factory, string modelPath, string pipeline, VisualMediaContract? media = null)
    {
        _media = media ?? VisualMediaContract.Image;
        var folder = factory.OpenFolder(modelPath);
        _limits = factory.Options.Limits ?? new InputLimits();
        folder.RequireModelType(pipeline, [.. _media.ModelTypes]);
        ModelPath = folder.Path;
        Tokenizer = Tokenizer.Load(folder);
        Template = LoadTemplate(folder, Tokenizer.Config);
        _typedContent = Template.Source.Contains("'type'", StringComparison.Ordinal) || Template.Source.Contains("\"type\"", StringComparison.Ordinal)
            || Template.Source.Contains(".type", StringComparison.Ordinal);
        AddTokenVariable("bos_token", Tokenizer.Config.BosToken);
        AddTokenVariable("eos_token", Tokenizer.Config.EosToken);
        AddTokenVariable("pad_token", Tokenizer.Config.PadToken);
        AddTokenVariable("unk_token", Tokenizer.Config.UnkToken);

        var config = folder.Config;
        ImageTokenId = config.TryGetInt32($"{_media.Kind}_token_index") ?? config.TryGetInt32($"{_media.Kind}_token_id")
            ?? throw new ModelIncompatibleException(folder.Path, "config.json", $"Model folder '{folder.Path}' names no {_media.Kind}_token_index in config.json; the {_media.Kind} placeholder token cannot be found.");
        ImageToken = Tokenizer.IdToToken(ImageTokenId)
            ?? throw new ModelIncompatibleException(folder.Path, "config.json", $"config.json of '{folder.Path}' names {_media.Kind}_token_index {ImageTokenId}, which tokenizer.json does not have.");
        if (Tokenizer.Encode(ImageToken, addSpecialTokens: false) is not [var placeholderId] || placeholderId != ImageTokenId)
        {
            // Otherwise the placeholder splits into pieces in every prompt and the first request fails on the count.
            throw new ModelIncompatibleException(folder.Path, "tokenizer.json", $"tokenizer.json of '{folder.Path}' does not keep the {_media.Kind} placeholder '{ImageToken}' as one token (id {ImageTokenId}, config.json's {_media.Kind}_token_index): it must be one of its added_tokens.");
        }

        _templateVariables[$"{_media.Kind}_token"] = ImageToken;
        _contextLength = config.Section("text_config")?.TryGetInt32("max_position_embeddings") ?? Tokenizer.Config.ModelMaxLength;

        var preprocessorJson = folder.GetJson(_media.PreprocessorFile);
        if (folder.ModelType == "idefics3")
        {
            _idefics = new Idefics3ImageProcessor(preprocessorJson, factory.Options, ImageDecoderRegistration.Resolve(factory));
        }
        else
        {
            _preprocessor = new ImagePreprocessor(ImagePreprocessorConfig.From(preprocessorJson, folder.ModelType), factory.Options, ImageDecoderRegistration.Resolve(factory));
        }

        if (_preprocessor is { FixedOutputSize: null })
        {
            throw new ModelIncompatibleException(folder.Path, _media.PreprocessorFile, $"{_media.PreprocessorFile} of '{folder.Path}' does not resize to a fixed size; the vision encoder needs one.");
        }

        Generation = GenerationConfig.From(folder.TryGetJson("generation_config.json"), folder.Config);
        if (Generation.EosTokenIds.Count == 0)
        {
            throw new ModelIncompatibleException(folder.Path, "generation_config.json", $"Model folder '{folder.Path}' names no eos_token_id in generation_config.json or config.json, so an answer would never end.");
        }

        _vision = factory.Create(folder, "vision_encoder").Require([_media.PixelInput], [_media.FeatureOutput]);
        try
        {
            _preprocessor?.RequireGraphSize(_vision, folder.Path, _media.PixelInput);
            _pixelMask = _idefics is not null && _vision.Inputs.ContainsKey("pixel_attention_mask");
            var dims = _vision.Outputs[_media.FeatureOutput].Dimensions;
            int? graphRows = dims.Length == 3 && dims[1] > 0 ? dims[1] : null;
            var processor = folder.TryGetJson("processor_config.json");
            string seqKey = $"{_media.Kind}_seq_length";
            ImageSeqLength = (_idefics is not null ? Idefics3ImageTokens(config, processor) : (int?)null)
                ?? config.TryGetInt32(seqKey) ?? processor?.TryGetInt32(seqKey)
                ?? config.TryGetInt32("num_query_tokens") ?? (_media.Kind == "image" ? LlavaImageTokens(config, processor, ImageSize) : null) ?? graphRows
                ?? throw new ModelIncompatibleException(folder.Path, "config.json", $"Model folder '{folder.Path}' gives no {seqKey} (config.json or processor_config.json), no patch_size to derive it from (processor_config.json or vision_config), and its vision encoder has no fixed number of feature rows.");
            if (graphRows is { } rows && rows != ImageSeqLength)
            {
                throw new ModelIncompatibleException(folder.Path, "config.json", $"config.json of '{folder.Path}' says {seqKey} {ImageSeqLength}, but onnx/vision_encoder outputs {rows} feature rows per {_media.Kind}.");
            }

            if (_media.Kind == "video")
            {
                var pixelDims = _vision.Inputs[_media.PixelInput].Dimensions;
                FramesPerVideo = preprocessorJson.TryGetInt32("num_frames") ?? config.TryGetInt32("num_frames") ?? (pixelDims.Length == 5 && pixelDims[1] > 0 ? pixelDims[1] : (int?)null)
                    ?? throw new ModelIncompatibleException(folder.Path, _media.PreprocessorFile, $"Model folder '{folder.Path}' gives no num_frames ({_media.PreprocessorFile} or config.json) and its vision encoder takes any number of frames.");
            }

            _decoder = OnnxDecoder.Open(factory, folder);
            if (!_decoder.TakesEmbeddings || _decoder.Embedder is null)
            {
                _decoder.Dispose();
                throw new ModelIncompatibleException(folder.Path, null, $"The decoder of '{folder.Path}' reads input_ids; a vision-language model's decoder must take inputs_embeds (with onnx/embed_tokens beside it).");
            }

            _embedder = _decoder.Embedder;
        }
        catch
        {
            _vision.Dispose();
            throw;
        }
    }

    public string ModelPath { get; }

    /// <summary>
    /// The image token count Python's <c>LlavaProcessor</c> derives when no <c>image_seq_length</c> is given (llava-1.5):
    /// (height / patch_size) * (width / patch_size) patches of the processed image, plus
    /// <c>num_additional_image_tokens</c> (default 1: the CLS row), minus 1 for the <c>default</c> feature strategy, which
    /// drops the CLS row; so 576 for 336 px and patch 14. <c>patch_size</c> and the strategy come from
    /// processor_config.json, else from config.json (<c>vision_config.patch_size</c>, <c>vision_feature_select_strategy</c>),
    /// which is what the model itself uses when an old processor leaves the expansion to it.
    /// </summary>
    internal static int? LlavaImageTokens(JsonConfig config, JsonConfig? processor, (int Height, int Width) imageSize)
    {
        int? patch = processor?.TryGetInt32("patch_size") ?? config.Section("vision_config")?.TryGetInt32("patch_size");
        string? strategy = processor?.TryGetString("vision_feature_select_strategy") ?? config.TryGetString("vision_feature_select_strategy");
        if (patch is not > 0 || strategy is null)
        {
            return null;
        }

        int tokens = (imageSize.Height / patch.Value) * (imageSize.Width / patch.Value) + (processor?.TryGetInt32("num_additional_image_tokens") ?? 1);
        return strategy == "default" ? tokens - 1 : tokens;
    }

    public Tokenizer Tokenizer { get; }

    public ChatTemplate Template { get; }

    public GenerationConfig Generation { get; }

    public int ImageTokenId { get; }

    public string ImageToken { get; }

    /// <summary>Gets the frames the video encoder takes per video (<c>num_frames</c>); 0 for an image model.</summary>
    public int FramesPerVideo { get; }

    /// <summary>Gets the number of prompt positions (and feature rows) per image.</summary>
    public int ImageSeqLength { get; }

    /// <summary>Gets how many times the vision encoder has run (tests prove caching with it).</summary>
    public int VisionEncoderRuns => Volatile.Read(ref _visionRuns);

    /// <summary>Gets the size of one image tensor (an Idefics3 tile).</summary>
    public (int Height, int Width) ImageSize => _idefics is { } idefics ? (idefics.TileSize, idefics.TileSize) : _preprocessor!.FixedOutputSize!.Value;

    /// <summary>Gets whether images are split into tiles and expanded Idefics3's way (<c>model_type</c> idefics3).</summary>
    public bool IsIdefics3 => _idefics is not null;

    /// <summary>
    /// Idefics3Processor's <c>image_seq_len</c>: processor_config.json's value, else what its docstring says it is,
    /// <c>int((image_size // patch_size) ** 2 / scale_factor ** 2)</c> from config.json (64 for SmolVLM-256M's 512 px,
    /// patch 16 and scale factor 4), else the processor's default 169.
    /// </summary>
    internal static int Idefics3ImageTokens(JsonConfig config, JsonConfig? processor)
    {
        if (processor?.TryGetInt32("image_seq_len") is { } given)
        {
            return given;
        }

        var vision = config.Section("vision_config");
        if (vision?.TryGetInt32("image_size") is > 0 and var size && vision.TryGetInt32("patch_size") is > 0 and var patch && config.TryGetInt32("scale_factor") is > 0 and var scale)
        {
            int side = size / patch;
            return (int)((double)side * side / (scale * scale));
        }

        return 169;
    }

    /// <summary>Builds a template message: typed content items when the template reads them or an image is present, else a plain string.</summary>
    public Dictionary<string, object?> Message(string role, IReadOnlyList<(bool IsImage, string? Text)> parts)
    {
        object content;
        if (_typedContent || parts.Any(p => p.IsImage))
        {
            content = parts.Select(p => p.IsImage
                ? new Dictionary<string, object?>(StringComparer.Ordinal) { ["type"] = _media.Kind }
                : (object)new Dictionary<string, object?>(StringComparer.Ordinal) { ["type"] = "text", ["text"] = p.Text ?? string.Empty }).ToList();
        }
        else
        {
            content = string.Concat(parts.Select(p => p.Text));
        }

        return new Dictionary<string, object?>(StringComparer.Ordinal) { ["role"] = role, ["content"] = content };
    }

    /// <summary>Runs the vision encoder on one image.</summary>
    /// <exception cref="InputDecodeException">The image cannot be decoded.</exception>
    /// <exception cref="InputTooLargeException">The image exceeds the pixel budget.</exception>
    /// <exception cref="ModelIncompatibleException">The encoder returns another number of rows than <see cref="ImageSeqLength"/>.</exception>
    public ImageFeatures EncodeImage(ImageData image, CancellationToken cancellationToken) => Encode([image], cancellationToken);

    /// <summary>Runs the video encoder on one video's <see cref="FramesPerVideo"/> sampled frames (<c>[1, frames, 3, H, W]</c>).</summary>
    /// <exception cref="ArgumentException">Another number of frames than <see cref="FramesPerVideo"/>.</exception>
    /// <exception cref="InputTooLargeException">A frame exceeds the pixel budget.</exception>
    /// <exception cref="ModelIncompatibleException">The encoder returns another number of rows than <see cref="ImageSeqLength"/>.</exception>
    public ImageFeatures EncodeVideo(IReadOnlyList<ImageData> frames, CancellationToken cancellationToken)
    {
        if (frames.Count != FramesPerVideo)
        {
            throw new ArgumentException($"The video encoder of '{ModelPath}' takes {FramesPerVideo} frames per video, not {frames.Count}.", nameof(frames));
        }

        return Encode(frames, cancellationToken);
    }

    /// <summary>
    /// Gathers the image-encoder runs of concurrent <see cref="EncodeImageAsync"/> calls into shared batches from now on
    /// (<c>UseBatching()</c> on a VQA pipeline); each image is preprocessed on its caller's thread first. Video models
    /// keep one run per video and Idefics3 models one run per image (its tile count varies). The first call's settings stay.
    /// </summary>
    public void EnableEncoderBatching(BatchingOptions options, string? modelId)
    {
        // Idefics3 splits each image into its own number of tiles: one run per image stays.
        if (_media.Kind != "image" || _idefics is not null || Volatile.Read(ref _imageBatcher) is not null)
        {
            return;
        }

        var batcher = new MicroBatcher<float[], ImageFeatures>(
            "vqa.image_encoder", modelId, options, (batch, ct) => Task.Run<IReadOnlyList<ImageFeatures>>(() => EncodeBatch(batch, ct), ct));
        if (Interlocked.CompareExchange(ref _imageBatcher, batcher, null) is not null)
        {
            batcher.Dispose();
        }
    }

    /// <summary>Runs the vision encoder on one image, in a batch with other callers' images when batching is on.</summary>
    /// <exception cref="InputDecodeException">The image cannot be read or decoded.</exception>
    /// <exception cref="InputTooLargeException">The image exceeds the pixel budget.</exception>
    /// <exception cref="PipelineBusyException">The encoder's batch queue is full.</exception>
    public async Task<ImageFeatures> EncodeImageAsync(ImageData image, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _imageBatcher) is not { } batcher)
        {
            return EncodeImage(image, cancellationToken);
        }

        var (pixels, _) = ImageBatch.Preprocess(_preprocessor!, [image], cancellationToken);
        return (await batcher.RunAsync([pixels], cancellationToken).ConfigureAwait(false))[0];
    }

    private ImageFeatures Encode(IReadOnlyList<ImageData> images, CancellationToken cancellationToken)
    {
        if (_idefics is not null)
        {
            return EncodeTiles(images[0], cancellationToken);
        }

        var (pixels, shape) = ImageBatch.Preprocess(_preprocessor!, images, cancellationToken);
        if (_media.Kind == "video")
        {
            shape = [1, .. shape];
        }

        return Run(pixels, shape, 1, cancellationToken)[0];
    }

    private ImageFeatures[] EncodeBatch(IReadOnlyList<float[]> images, CancellationToken cancellationToken)
    {
        var (height, width) = ImageSize;
        int length = 3 * height * width;
        var pixels = new float[images.Count * length];
        for (int i = 0; i < images.Count; i++)
        {
            images[i].AsSpan(0, length).CopyTo(pixels.AsSpan(i * length));
        }

        return Run(pixels, [images.Count, 3, height, width], images.Count, cancellationToken);
    }

    // One encoder run over `count` images (or one video); the features of each, split from [count, rows, hidden].
    private ImageFeatures[] Run(float[] pixels, long[] shape, int count, CancellationToken cancellationToken)
    {
        using var pixelValues = OrtValue.CreateTensorValueFromMemory(pixels, shape);
        using var outputs = _vision.Run([_media.PixelInput], [pixelValues], [_media.FeatureOutput], cancellationToken);
        Interlocked.Increment(ref _visionRuns);
        var info = outputs[0].GetTensorTypeAndShape();
        var s = info.Shape;
        if (s.Length is not (2 or 3) || (s.Length == 3 && s[0] != count) || (s.Length == 2 && count != 1))
        {
            throw new ModelIncompatibleException(ModelPath, "onnx/vision_encoder.onnx", $"The vision encoder of '{ModelPath}' returned {_media.FeatureOutput} of shape [{string.Join(", ", s)}]; [{count}, rows, hidden] was expected.");
        }

        int rows = (int)s[^2];
        int hidden = (int)s[^1];
        if (rows != ImageSeqLength)
        {
            throw new ModelIncompatibleException(ModelPath, "config.json", $"The vision encoder of '{ModelPath}' returned {rows} feature rows, but the prompt has {ImageSeqLength} image positions per image (image_seq_length in config.json); the counts must match.");
        }

        var result = new ImageFeatures[count];
        for (int i = 0; i < count; i++)
        {
            var data = new float[rows * hidden];
            OrtTensors.CopyAsSingle(outputs[0], info.ElementDataType, i * rows * hidden, data);
            result[i] = new ImageFeatures(data, rows, hidden);
        }

        return result;
    }

    /// <summary>
    /// Idefics3: one image's tiles and global image through the vision encoder at once (<c>pixel_values</c>
    /// <c>[1, tiles, 3, S, S]</c>, <c>pixel_attention_mask</c> all true when the graph takes it), <see cref="ImageSeqLength"/>
    /// rows per tile, in the order the prompt expansion places them.
    /// </summary>
    private ImageFeatures EncodeTiles(ImageData image, CancellationToken cancellationToken)
    {
        var tiles = _idefics!.Preprocess(image, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        using var pixelValues = OrtValue.CreateTensorValueFromMemory(tiles.Data, [1, tiles.Tiles, 3, tiles.Side, tiles.Side]);
        OrtValue? mask = null;
        try
        {
            string[] names = [_media.PixelInput];
            OrtValue[] values = [pixelValues];
            if (_pixelMask)
            {
                var ones = new bool[tiles.Tiles * tiles.Side * tiles.Side];
                Array.Fill(ones, true);
                mask = OrtValue.CreateTensorValueFromMemory(ones, [1, tiles.Tiles, tiles.Side, tiles.Side]);
                names = [_media.PixelInput, "pixel_attention_mask"];
                values = [pixelValues, mask];
            }

            using var outputs = _vision.Run(names, values, [_media.FeatureOutput], cancellationToken);
            Interlocked.Increment(ref _visionRuns);
            var info = outputs[0].GetTensorTypeAndShape();
            var s = info.Shape;
            long rows = s.Length == 3 ? s[0] * s[1] : s.Length == 2 ? s[0] : -1;
            if (rows != (long)tiles.Tiles * ImageSeqLength)
            {
                throw new ModelIncompatibleException(ModelPath, "onnx/vision_encoder.onnx", $"The vision encoder of '{ModelPath}' returned {_media.FeatureOutput} of shape [{string.Join(", ", s)}] for {tiles.Tiles} tiles; [{tiles.Tiles}, {ImageSeqLength}, hidden] was expected (image_seq_len in processor_config.json).");
            }

            int hidden = (int)s[^1];
            var data = new float[rows * hidden];
            OrtTensors.CopyAsSingle(outputs[0], info.ElementDataType, 0, data);
            return new ImageFeatures(data, (int)rows, hidden) { SplitRows = tiles.Rows, SplitCols = tiles.Cols };
        }
        finally
        {
            mask?.Dispose();
        }
    }

    /// <summary>
    /// Answers each question about one encoded image (or video) on its own: a single-turn chat per question, with the
    /// options' system prompt first, greedy or as the options say. Visual QA and video QA share it.
    /// </summary>
    public async Task<IReadOnlyList<VisualQaResult>> AnswerEachAsync(ImageFeatures features, IReadOnlyList<string> questions, VisualQaOptions? options, CancellationToken cancellationToken)
    {
        var results = new List<VisualQaResult>(questions.Count);
        foreach (string question in questions)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var messages = new List<Dictionary<string, object?>>(2);
            if (options?.SystemPrompt is { Length: > 0 } system)
            {
                messages.Add(Message("system", [(false, system)]));
            }

            messages.Add(Message("user", [(true, null), (false, question)]));
            int[] ids = BuildPrompt(messages, [features]);
            var settings = Settings(options, ids.Length);
            using var embeddings = Embed(ids, [features]);
            var generated = await GenerateAsync(ids, embeddings, settings, cancellationToken).ConfigureAwait(false);
            var best = generated.First;
            results.Add(new VisualQaResult(question, Tokenizer.Decode(best.Tokens, skipSpecialTokens: true).Trim(), (float)best.Score, best.Tokens.Length));
        }

        return results;
    }

    /// <summary>Renders the conversation, tokenizes it and expands every image placeholder for its encoded image.</summary>
    /// <exception cref="ArgumentException">The rendered prompt has another number of image placeholders than images.</exception>
    /// <exception cref="InputTooLargeException">The prompt leaves no room in the model's context.</exception>
    /// <exception cref="MultimodalException">The chat template raised an exception or failed.</exception>
    public int[] BuildPrompt(IReadOnlyList<Dictionary<string, object?>> messages, IReadOnlyList<ImageFeatures> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return _idefics is null ? BuildPrompt(messages, images.Count) : BuildIdefics3Prompt(messages, images);
    }

    /// <summary>
    /// Idefics3Processor's expansion, done on the rendered text as Python does it: each <c>&lt;image&gt;</c> becomes, for a
    /// split image, <c>&lt;fake_token_around_image&gt;&lt;row_r_col_c&gt;</c> + <c>&lt;image&gt;</c> x image_seq_len per tile
    /// (a newline after each row), then <c>\n&lt;fake_token_around_image&gt;&lt;global-img&gt;</c> + <c>&lt;image&gt;</c> x
    /// image_seq_len + <c>&lt;fake_token_around_image&gt;</c>; an image that is not split gets only the global part
    /// without the newline. The text is then tokenized with special tokens added, as the processor calls the tokenizer.
    /// </summary>
    private int[] BuildIdefics3Prompt(IReadOnlyList<Dictionary<string, object?>> messages, IReadOnlyList<ImageFeatures> images)
    {
        string text = Template.Render(messages, addGenerationPrompt: true, _templateVariables);
        string[] pieces = text.Split(ImageToken);
        if (pieces.Length - 1 != images.Count)
        {
            throw new ArgumentException($"The prompt rendered by the chat template holds {pieces.Length - 1} image placeholder(s) '{ImageToken}' for {images.Count} image(s); each image needs exactly one (do not write '{ImageToken}' in the text).", nameof(messages));
        }

        const string fake = "<fake_token_around_image>";
        const string global = "<global-img>";
        string run = string.Concat(Enumerable.Repeat(ImageToken, ImageSeqLength));
        var expanded = new System.Text.StringBuilder(pieces[0]);
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i];
            if (image.SplitRows > 0 || image.SplitCols > 0)
            {
                for (int r = 1; r <= image.SplitRows; r++)
                {
                    for (int c = 1; c <= image.SplitCols; c++)
                    {
                        expanded.Append(fake).Append("<row_").Append(r).Append("_col_").Append(c).Append('>').Append(run);
                    }

                    expanded.Append('\n');
                }

                expanded.Append('\n');
            }

            expanded.Append(fake).Append(global).Append(run).Append(fake).Append(pieces[i + 1]);
        }

        int[] ids = Tokenizer.Encode(expanded.ToString(), addSpecialTokens: true);
        int placeholders = ids.Count(t => t == ImageTokenId);
        int rows = images.Sum(f => f.Rows);
        if (placeholders != rows)
        {
            throw new ModelIncompatibleException(ModelPath, "tokenizer.json", $"The expanded prompt of '{ModelPath}' holds {placeholders} '{ImageToken}' tokens for {rows} image feature rows; tokenizer.json must keep '{ImageToken}', '{fake}', '{global}' and the <row_r_col_c> tokens whole.");
        }

        if (_contextLength is { } context && ids.Length >= context)
        {
            throw new InputTooLargeException($"The prompt is {ids.Length} tokens ({images.Count} image(s), {rows} image positions); the model's context holds {context}.", ids.Length, context - 1);
        }

        return ids;
    }

    /// <summary>Renders the conversation, tokenizes it and expands every image placeholder to <see cref="ImageSeqLength"/> tokens.</summary>
    /// <exception cref="ArgumentException">The rendered prompt has another number of image placeholders than images.</exception>
    /// <exception cref="InputTooLargeException">The prompt leaves no room in the model's context.</exception>
    /// <exception cref="MultimodalException">The chat template raised an exception or failed.</exception>
    public int[] BuildPrompt(IReadOnlyList<Dictionary<string, object?>> messages, int imageCount)
    {
        string text = Template.Render(messages, addGenerationPrompt: true, _templateVariables);
        bool hasBos = Tokenizer.Config.BosToken is { Length: > 0 } bos && text.StartsWith(bos, StringComparison.Ordinal);
        int[] ids = Tokenizer.Encode(text, addSpecialTokens: !hasBos);
        int placeholders = ids.Count(i => i == ImageTokenId);
        if (placeholders != imageCount)
        {
            throw new ArgumentException($"The prompt rendered by the chat template holds {placeholders} image placeholder(s) '{ImageToken}' for {imageCount} image(s); each image needs exactly one (do not write '{ImageToken}' in the text).", nameof(messages));
        }

        var expanded = new int[ids.Length + (placeholders * (ImageSeqLength - 1))];
        int at = 0;
        foreach (int id in ids)
        {
            if (id == ImageTokenId)
            {
                expanded.AsSpan(at, ImageSeqLength).Fill(id);
                at += ImageSeqLength;
            }
            else
            {
                expanded[at++] = id;
            }
        }

        if (_contextLength is { } context && expanded.Length >= context)
        {
            throw new InputTooLargeException($"The prompt is {expanded.Length} tokens ({placeholders} image(s) of {ImageSeqLength}); the model's context holds {context}.", expanded.Length, context - 1);
        }

        return expanded;
    }

    /// <summary>Resolves the decoding settings, capping new tokens at what the context still holds.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public GenerationSettings Settings(GenerationOptions? options, int promptLength)
    {
        var settings = GenerationSettings.Resolve(Generation, options, promptLength, _limits);
        if (_contextLength is { } context && promptLength + settings.MaxNewTokens > context)
        {
            settings = settings with { MaxNewTokens = Math.Max(1, context - promptLength) };
        }

        return settings;
    }

    /// <summary>Embeds the prompt and writes each image's feature rows over its placeholder rows; the caller disposes the tensor.</summary>
    /// <exception cref="ModelIncompatibleException">The embeddings are not float32, or their width differs from the image features'.</exception>
    public OrtValue Embed(int[] ids, IReadOnlyList<ImageFeatures> images)
    {
        var longIds = new long[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            longIds[i] = ids[i];
        }

        var embeds = _embedder.Embed(longIds, 1, ids.Length);
        try
        {
            var info = embeds.GetTensorTypeAndShape();
            if (info.ElementDataType != TensorElementType.Float)
            {
                throw new ModelIncompatibleException(ModelPath, "onnx/embed_tokens.onnx", $"embed_tokens of '{ModelPath}' returns {info.ElementDataType}; float32 embeddings are needed to splice image features in.");
            }

            int hidden = (int)info.Shape[^1];
            var span = embeds.GetTensorMutableDataAsSpan<float>();
            int image = 0;
            int row = 0;
            for (int p = 0; p < ids.Length; p++)
            {
                if (ids[p] != ImageTokenId)
                {
                    continue;
                }

                var features = images[image];
                if (features.Hidden != hidden)
                {
                    throw new ModelIncompatibleException(ModelPath, "onnx/vision_encoder.onnx", $"The image features of '{ModelPath}' are {features.Hidden} wide but the token embeddings {hidden}; they must match.");
                }

                features.Data.AsSpan(row * hidden, hidden).CopyTo(span.Slice(p * hidden, hidden));
                if (++row == features.Rows)
                {
                    row = 0;
                    image++;
                }
            }

            return embeds;
        }
        catch
        {
            embeds.Dispose();
            throw;
        }
    }

    public Task<GenerationResult> GenerateAsync(int[] ids, OrtValue embeddings, GenerationSettings settings, CancellationToken cancellationToken) =>
        GenerationEngine.GenerateAsync(_decoder, new GenerationRequest { Prompts = [ids], PromptEmbeddings = embeddings }, settings, cancellationToken);

    public IAsyncEnumerable<GeneratedToken> StreamAsync(int[] ids, OrtValue embeddings, GenerationSettings settings, CancellationToken cancellationToken) =>
        GenerationEngine.StreamAsync(_decoder, new GenerationRequest { Prompts = [ids], PromptEmbeddings = embeddings }, settings, cancellationToken);

    public void Dispose()
    {
        _imageBatcher?.Dispose();
        _decoder.Dispose();
        _vision.Dispose();
    }

    private static ChatTemplate LoadTemplate(ModelFolder folder, TokenizerConfig config)
    {
        string file = "tokenizer_config.json";
        string? source = config.ChatTemplate;
        if (source is null && folder.TryGetJson("chat_template.json") is { } json)
        {
            file = "chat_template.json";
            source = json.TryGetString("chat_template");
        }

        if (source is null)
        {
            throw new ModelIncompatibleException(folder.Path, "tokenizer_config.json", $"Model folder '{folder.Path}' has no chat_template in tokenizer_config.json or chat_template.json; a vision-language prompt cannot be built.");
        }

        try
        {
            return ChatTemplate.Parse(source);
        }
        catch (TemplateSyntaxException ex)
        {
            throw new ModelIncompatibleException(folder.Path, file, $"The chat template in '{folder.Path}/{file}' is not supported: {ex.Message}", ex);
        }
    }

    private void AddTokenVariable(string name, string? value)
    {
        if (value is not null)
        {
            _templateVariables[name] = value;
        }
    }
}

/// <summary>
/// Which visual input a LLaVA-style folder takes: images (<c>model_type</c> llava, <c>pixel_values</c> ->
/// <c>image_features</c>, <c>image_token_index</c>, <c>preprocessor_config.json</c>) or videos (llava_next_video,
/// <c>pixel_values_videos</c> -> <c>video_features</c>, <c>video_token_index</c>, <c>video_preprocessor_config.json</c>).
/// </summary>
/// <param name="Kind"><c>image</c> or <c>video</c>: the content type in the chat template and the prefix of the config keys.</param>
/// <param name="ModelTypes">The <c>model_type</c> values accepted.</param>
/// <param name="PreprocessorFile">The preprocessing settings' file.</param>
/// <param name="PixelInput">The vision encoder's input.</param>
/// <param name="FeatureOutput">The vision encoder's output.</param>
internal sealed record VisualMediaContract(string Kind, IReadOnlyList<string> ModelTypes, string PreprocessorFile, string PixelInput, string FeatureOutput)
{
    public static VisualMediaContract Image { get; } = new("image", ["llava", "idefics3"], "preprocessor_config.json", "pixel_values", "image_features");

    public static VisualMediaContract Video { get; } = new("video", ["llava_next_video"], "video_preprocessor_config.json", "pixel_values_videos", "video_features");
}

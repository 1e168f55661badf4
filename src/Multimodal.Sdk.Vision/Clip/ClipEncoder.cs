using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;

namespace Multimodal.Sdk;

/// <summary>
/// CLIP image and text embeddings on ONNX Runtime, from a model folder in the Optimum / transformers.js layout:
/// the separate <c>onnx/text_model.onnx</c> and <c>onnx/vision_model.onnx</c> when present, else the combined
/// <c>onnx/model.onnx</c>.
/// </summary>
/// <remarks>
/// Safe for concurrent use. Owns its ONNX Runtime sessions; dispose it to release them. The zero-shot logit scale
/// is the trained one, read from the combined graph when the folder has it (the config only holds its initial value).
/// </remarks>
public sealed class ClipEncoder : IClipEncoder, IWarmable, IImageBatchPreparer
{
    private const int MaxBatch = 32;

    private readonly ModelSession? _text;
    private readonly ModelSession? _vision;
    private readonly ModelSession? _combined;
    private readonly Tokenizer _tokenizer;
    private readonly ImagePreprocessor _preprocessor;
    private readonly ClipEncoderMetadata _metadata;
    private readonly long[] _dummyIds;
    private readonly long[] _dummyMask;
    private readonly float[] _dummyPixels;
    private bool _disposed;

    /// <summary>Loads a CLIP model folder with default options on the CPU.</summary>
    /// <param name="modelPath">The model folder.</param>
    /// <param name="options">Session and input-limit settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ModelNotFoundException">The folder or a file it needs is missing.</exception>
    /// <exception cref="ModelIncompatibleException">The folder is not a CLIP model or its graphs lack the expected inputs and outputs.</exception>
    public ClipEncoder(string modelPath, MultimodalOptions? options = null)
        : this(new OnnxSessionFactory(options), modelPath)
    {
    }

    internal ClipEncoder(OnnxSessionFactory factory, string modelPath)
    {
        var folder = factory.OpenFolder(modelPath);
        folder.RequireModelType("The CLIP encoder", "clip");
        _tokenizer = Tokenizer.Load(folder);
        _preprocessor = new ImagePreprocessor(ImagePreprocessorConfig.From(folder.GetJson("preprocessor_config.json"), "clip"), factory.Options, ImageDecoderRegistration.Resolve(factory));
        int contextLength = folder.Config.TryGetInt32("text_config.max_position_embeddings") ?? 77;
        _dummyIds = _tokenizer.EncodeBatch(["a"], contextLength).InputIds;
        _dummyMask = [.. _dummyIds.Select(_ => 1L)];

        // The combined graph always takes both inputs: the side not asked for gets this fixed stand-in, built once. Its
        // pattern is not constant so the image it makes has a non-degenerate embedding (the logit-scale probe needs one).
        var size = _preprocessor.FixedOutputSize
            ?? throw new ModelIncompatibleException(folder.Path, "preprocessor_config.json", $"The CLIP encoder needs a fixed tensor size: preprocessor_config.json of '{folder.Path}' must center-crop ('do_center_crop', 'crop_size') or resize to an exact size ('size' with 'height' and 'width').");
        _dummyPixels = new float[3 * size.Height * size.Width];
        for (int i = 0; i < _dummyPixels.Length; i++)
        {
            _dummyPixels[i] = (i % 7) * 0.25f;
        }

        try
        {
            // The graphs load side by side (about half of `mm classify`'s start-up was their one-after-another load).
            bool separate = folder.FindGraph("text_model") is not null && folder.FindGraph("vision_model") is not null;
            bool combined = folder.FindGraph("model") is not null;
            if (!separate && !combined)
            {
                folder.GetGraph("model"); // throws, naming what the folder has
            }

            var sessions = factory.CreateAll(folder, separate && combined ? ["text_model", "vision_model", "model"] : separate ? ["text_model", "vision_model"] : ["model"]);
            if (separate)
            {
                _text = sessions[0];
                _vision = sessions[1];
            }

            if (combined)
            {
                _combined = sessions[^1];
            }

            _text?.Require(["input_ids"], ["text_embeds"]);
            _vision?.Require(["pixel_values"], ["image_embeds"]);
            _combined?.Require(["input_ids", "pixel_values"], ["text_embeds", "image_embeds", "logits_per_image"]);
            foreach (var graph in new[] { _vision, _combined })
            {
                if (graph is not null)
                {
                    _preprocessor.RequireGraphSize(graph, folder.Path);
                }
            }

            int dimensions = folder.Config.TryGetInt32("projection_dim") ?? folder.Config.GetInt32("text_config.projection_dim");
            float scale = _combined is not null ? ReadTrainedLogitScale() : 100f;
            _metadata = new ClipEncoderMetadata(folder.Path, dimensions, scale, contextLength);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<Embedding<float>>> EmbedImagesAsync(IReadOnlyList<ImageData> images, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            throw new ArgumentException("At least one image is needed.", nameof(images));
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        return Task.Run<IReadOnlyList<Embedding<float>>>(
            () =>
            {
                var result = new List<Embedding<float>>(images.Count);
                for (int start = 0; start < images.Count; start += MaxBatch)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var chunk = images.Skip(start).Take(MaxBatch).ToList();
                    var (pixels, shape) = ImageBatch.Preprocess(_preprocessor, chunk, cancellationToken);
                    result.AddRange(RunImages(pixels, shape, cancellationToken));
                }

                return result;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<Embedding<float>>> EmbedTextsAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            throw new ArgumentException("At least one text is needed.", nameof(texts));
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        return Task.Run<IReadOnlyList<Embedding<float>>>(
            () =>
            {
                var result = new List<Embedding<float>>(texts.Count);
                for (int start = 0; start < texts.Count; start += MaxBatch)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var batch = _tokenizer.EncodeBatch(texts.Skip(start).Take(MaxBatch).ToList(), _metadata.ContextLength);
                    result.AddRange(RunTexts(batch.InputIds, batch.AttentionMask, batch.BatchSize, batch.SequenceLength, cancellationToken));
                }

                return result;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ClipEncoderMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    ImageData IImageBatchPreparer.Prepare(ImageData image, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        return ImageBatch.Prepare(_preprocessor, image);
    }

    async Task IWarmable.WarmUpAsync(CancellationToken cancellationToken)
    {
        var size = _preprocessor.FixedOutputSize!.Value;
        await EmbedImagesAsync([ImageData.FromPixels(new byte[size.Width * size.Height * 3], size.Width, size.Height)], cancellationToken).ConfigureAwait(false);
        await EmbedTextsAsync(["warm-up"], cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _disposed = true;
        _text?.Dispose();
        _vision?.Dispose();
        _combined?.Dispose();
    }

    /// <summary>
    /// Embeds an already preprocessed <c>[b, 3, H, W]</c> pixel tensor: the path <see cref="EmbedImagesAsync"/> takes
    /// after preprocessing, without the batching into chunks. The SDK-overhead benchmark compares it with a raw
    /// <c>InferenceSession.Run</c> on the same tensor.
    /// </summary>
    internal List<Embedding<float>> EmbedPixels(float[] pixels, long[] shape)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return RunImages(pixels, shape);
    }

    private List<Embedding<float>> RunImages(float[] pixels, long[] shape, CancellationToken cancellationToken = default)
    {
        using var pixelValues = OrtValue.CreateTensorValueFromMemory(pixels, shape);
        if (_vision is not null)
        {
            using var outputs = _vision.Run(["pixel_values"], [pixelValues], ["image_embeds"], cancellationToken);
            return Normalize(outputs[0]);
        }

        using var ids = OrtValue.CreateTensorValueFromMemory(_dummyIds, [1, _dummyIds.Length]);
        var (names, values) = CombinedInputs(ids, pixelValues, attentionMask: null);
        using (values)
        {
            using var outputs = _combined!.Run(names, values.Values, ["image_embeds"], cancellationToken);
            return Normalize(outputs[0]);
        }
    }

    private List<Embedding<float>> RunTexts(long[] inputIds, long[] attentionMask, int batch, int length, CancellationToken cancellationToken)
    {
        using var ids = OrtValue.CreateTensorValueFromMemory(inputIds, [batch, length]);
        using var mask = OrtValue.CreateTensorValueFromMemory(attentionMask, [batch, length]);
        if (_text is not null)
        {
            bool withMask = _text.HasInput("attention_mask");
            using var outputs = withMask
                ? _text.Run(["input_ids", "attention_mask"], [ids, mask], ["text_embeds"], cancellationToken)
                : _text.Run(["input_ids"], [ids], ["text_embeds"], cancellationToken);
            return Normalize(outputs[0]);
        }

        var size = _preprocessor.FixedOutputSize!.Value;
        using var pixels = OrtValue.CreateTensorValueFromMemory(_dummyPixels, [1, 3, size.Height, size.Width]);
        var (names, values) = CombinedInputs(ids, pixels, mask);
        using (values)
        {
            using var outputs = _combined!.Run(names, values.Values, ["text_embeds"], cancellationToken);
            return Normalize(outputs[0]);
        }
    }

    private (List<string> Names, OwnedValues Values) CombinedInputs(OrtValue ids, OrtValue pixels, OrtValue? attentionMask)
    {
        var names = new List<string> { "input_ids", "pixel_values" };
        var values = new OwnedValues([ids, pixels]);
        if (_combined!.HasInput("attention_mask"))
        {
            names.Add("attention_mask");
            if (attentionMask is null)
            {
                attentionMask = OrtValue.CreateTensorValueFromMemory(_dummyMask, [1, _dummyMask.Length]);
                values.Own(attentionMask);
            }

            values.Values.Add(attentionMask);
        }

        return (names, values);
    }

    // logits_per_image = exp(logit_scale) * cos(image, text); the trained scale is recovered from one dummy pair.
    private float ReadTrainedLogitScale()
    {
        var size = _preprocessor.FixedOutputSize!.Value;
        using var ids = OrtValue.CreateTensorValueFromMemory(_dummyIds, [1, _dummyIds.Length]);
        using var pixels = OrtValue.CreateTensorValueFromMemory(_dummyPixels, [1, 3, size.Height, size.Width]);
        var (names, values) = CombinedInputs(ids, pixels, attentionMask: null);
        using (values)
        {
            using var outputs = _combined!.Run(names, values.Values, ["logits_per_image", "image_embeds", "text_embeds"]);
            float logit = outputs[0].GetTensorDataAsSpan<float>()[0];
            float cosine = TensorPrimitives.CosineSimilarity(outputs[1].GetTensorDataAsSpan<float>(), outputs[2].GetTensorDataAsSpan<float>());
            return Math.Abs(cosine) > 1e-4f ? logit / cosine : 100f;
        }
    }

    private static List<Embedding<float>> Normalize(OrtValue embeddings)
    {
        var shape = embeddings.GetTensorTypeAndShape().Shape;
        int rows = (int)shape[0];
        int dim = (int)shape[^1];
        var data = embeddings.GetTensorDataAsSpan<float>();
        var result = new List<Embedding<float>>(rows);
        for (int r = 0; r < rows; r++)
        {
            var vector = data.Slice(r * dim, dim).ToArray();
            float norm = TensorPrimitives.Norm(vector);
            TensorPrimitives.Divide(vector, norm > 0 ? norm : 1f, vector);
            result.Add(new Embedding<float>(vector));
        }

        return result;
    }

    private sealed class OwnedValues(List<OrtValue> values) : IDisposable
    {
        private readonly List<OrtValue> _owned = [];

        public List<OrtValue> Values { get; } = values;

        public void Own(OrtValue value) => _owned.Add(value);

        public void Dispose()
        {
            foreach (var v in _owned)
            {
                v.Dispose();
            }
        }
    }
}

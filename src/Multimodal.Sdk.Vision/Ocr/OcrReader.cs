using System.Diagnostics;
using System.Drawing;
using System.Runtime.Intrinsics;
using Microsoft.ML.OnnxRuntime;

namespace Multimodal.Sdk;

/// <summary>
/// Reads text in images with PaddleOCR-style graphs (PP-OCRv4: a DBNet detector, the mobile direction classifier and
/// an SVTR-LCNet CTC recognizer) from a model folder described by <c>ocr_config.json</c> (docs/model-folders.md):
/// detection, DB post-processing, a perspective crop per box, direction classification, batched recognition and
/// greedy CTC decoding, in reading order.
/// </summary>
/// <remarks>
/// Safe for concurrent use: the ONNX Runtime sessions are, and every buffer lives in the call. Owns its sessions;
/// dispose it to release them. Images are resized with Pillow's bilinear filter (antialiased when shrinking) where
/// PaddleOCR calls OpenCV's, so probabilities differ slightly from PaddleOCR's own. Its sessions stop ONNX Runtime's
/// thread spinning at the end of each run (where <see cref="MultimodalOptions.AllowThreadSpinning"/> allows spinning
/// at all): the detector's, classifier's and recognizer's runs follow each other, and a finished run's spinning
/// workers would hold a core the next one needs.
/// </remarks>
public sealed class OcrReader : ITextReader, IWarmable
{
    private readonly OcrConfig _config;
    private readonly ModelSession _detector;
    private readonly ModelSession? _classifier;
    private readonly ModelSession _recognizer;
    private readonly CtcDecoder _decoder;
    private readonly IImageDecoder _imageDecoder;
    private readonly long _maxPixels;
    private bool _disposed;

    /// <summary>Loads an OCR model folder (with <c>ocr_config.json</c>) with default options on the CPU.</summary>
    /// <param name="modelPath">The model folder.</param>
    /// <param name="options">Session and input-limit settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ModelNotFoundException">The folder, its <c>ocr_config.json</c>, a graph or the dictionary is missing.</exception>
    /// <exception cref="ModelIncompatibleException">The config is not a PP-OCR config, or a graph does not fit it.</exception>
    public OcrReader(string modelPath, MultimodalOptions? options = null)
        : this(new OnnxSessionFactory(options), modelPath)
    {
    }

    /// <summary>Loads a folder with a config file other than <c>ocr_config.json</c> (the parity tests' ocr-node settings).</summary>
    internal OcrReader(OnnxSessionFactory factory, string modelPath, string configFileName = OcrConfig.FileName)
    {
        var folder = factory.OpenFolder(modelPath);
        _config = OcrConfig.Load(folder, configFileName);
        _decoder = new CtcDecoder(CtcDecoder.ReadDictionary(Path.Combine(folder.Path, _config.Dictionary)), _config.UseSpaceChar);
        _imageDecoder = ImageDecoderRegistration.Resolve(factory) ?? new ImageSharpImageDecoder(factory.Options);
        _maxPixels = factory.Options.MaxImagePixels;
        try
        {
            _detector = Open(factory, folder, _config.Detection.Graph);
            _classifier = _config.Classifier is { } c ? Open(factory, folder, c.Graph) : null;
            _recognizer = Open(factory, folder, _config.Recognition.Graph);
            long classes = _recognizer.Session.OutputMetadata.First().Value.Dimensions[^1];
            if (classes > 0 && classes != _decoder.ClassCount)
            {
                throw new ModelIncompatibleException(folder.Path, _config.Dictionary, $"The recognizer '{_config.Recognition.Graph}' has {classes} classes, but the dictionary '{_config.Dictionary}' gives {_decoder.ClassCount} (blank + {_decoder.ClassCount - (_config.UseSpaceChar ? 2 : 1)} characters{(_config.UseSpaceChar ? " + space" : string.Empty)}).");
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public Task<TextReadResult> ReadAsync(ImageData image, TextReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ObjectDisposedException.ThrowIf(_disposed, this);
        options = options?.Clone();
        if (options?.DetectionSideLimit is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.DetectionSideLimit, "TextReadOptions.DetectionSideLimit must be positive.");
        }

        return Task.FromResult(Read(image, options, timings: null, cancellationToken));
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }

    async Task IWarmable.WarmUpAsync(CancellationToken cancellationToken)
    {
        const int W = 64, H = 32;
        var pixels = new byte[W * H * 3];
        Array.Fill(pixels, (byte)255);
        await ReadAsync(ImageData.FromPixels(pixels, W, H), null, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _disposed = true;
        _detector?.Dispose();
        _classifier?.Dispose();
        _recognizer?.Dispose();
    }

    /// <summary>The whole pipeline on one image; <paramref name="timings"/>, when given, collects the time per stage (the benchmark).</summary>
    internal TextReadResult Read(ImageData image, TextReadOptions? options, OcrTimings? timings, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var decoded = image.RgbPixels.IsEmpty ? Decode(image) : null;
        ReadOnlySpan<byte> rgb = decoded is not null ? decoded.Pixels : image.RgbPixels.Span;
        int width = decoded?.Width ?? image.Width;
        int height = decoded?.Height ?? image.Height;
        if ((long)width * height > _maxPixels)
        {
            throw new InputTooLargeException($"The image has {(long)width * height} pixels, over the budget of {_maxPixels} (MultimodalOptions.MaxImagePixels).", (long)width * height, _maxPixels);
        }

        timings?.Add(ref timings.Decode, clock);
        cancellationToken.ThrowIfCancellationRequested();

        var detection = Detect(rgb, width, height, options?.DetectionSideLimit ?? _config.LimitSideLength);
        timings?.Add(ref timings.Detection, clock);
        List<PointF[]> boxes;
        CropImage[] crops;
        List<(int Index, int Line)> order;
        if (detection.Input is { } input)
        {
            // ocr-node's way: boxes found and lines cut in the padded detector image, boxes then mapped back to the image.
            boxes = DbPostProcessor.FindBoxes(detection.Map, detection.MapWidth, detection.MapHeight, detection.InputWidth, detection.InputHeight, _config.Db);
            order = ReadingOrder.Sort(boxes);
            crops = new CropImage[order.Count];
            for (int i = 0; i < order.Count; i++)
            {
                crops[i] = TextCrop.Warp(input, detection.InputWidth, detection.InputHeight, boxes[order[i].Index]);
            }

            foreach (var box in boxes)
            {
                for (int k = 0; k < box.Length; k++)
                {
                    box[k] = new PointF((float)((box[k].X - detection.Left) / detection.Scale), (float)((box[k].Y - detection.Top) / detection.Scale));
                }
            }
        }
        else
        {
            boxes = DbPostProcessor.FindBoxes(detection.Map, detection.MapWidth, detection.MapHeight, width, height, _config.Db);
            order = ReadingOrder.Sort(boxes);
            crops = new CropImage[order.Count];
            for (int i = 0; i < order.Count; i++)
            {
                crops[i] = TextCrop.Warp(rgb, width, height, boxes[order[i].Index]);
            }
        }

        timings?.Add(ref timings.PostProcessing, clock);
        cancellationToken.ThrowIfCancellationRequested();

        if (_classifier is not null && (options?.UseDirectionClassifier ?? true))
        {
            Classify(crops, cancellationToken);
            timings?.Add(ref timings.Classification, clock);
        }

        var texts = Recognize(crops, cancellationToken);
        timings?.Add(ref timings.Recognition, clock);

        float minConfidence = options?.MinConfidence ?? _config.DropScore;
        var lines = new List<TextLine>(order.Count);
        int line = -1, previous = -1;
        for (int i = 0; i < order.Count; i++)
        {
            var (text, confidence) = texts[i];
            if (confidence < minConfidence || text.Length == 0)
            {
                continue;
            }

            if (order[i].Line != previous)
            {
                line++;
                previous = order[i].Line;
            }

            lines.Add(new TextLine(text, confidence, boxes[order[i].Index], line));
        }

        timings?.Add(ref timings.PostProcessing, clock);
        return new TextReadResult(lines, width, height);
    }

    /// <summary>
    /// DetResizeForTest (<c>limit_type</c> max or min, sides rounded to the multiple) + normalization + the detector. With
    /// <c>"resize": "contain"</c> (ocr-node) the resized, padded image comes back too, with its scale and padding.
    /// </summary>
    private DetectionOutput Detect(ReadOnlySpan<byte> rgb, int width, int height, int limit)
    {
        double ratio = 1;
        if (_config.LimitIsMax ? Math.Max(width, height) > limit : Math.Min(width, height) < limit)
        {
            ratio = (double)limit / (_config.LimitIsMax ? Math.Max(width, height) : Math.Min(width, height));
        }

        int m = _config.Multiple;
        int h, w;
        if (_config.RoundUp)
        {
            // ocr-node: Math.ceil(side / 32) * 32 (its 960 limit is commented out; ours stays, as limit_side_len says).
            h = Math.Max((int)Math.Ceiling(height * ratio / m) * m, m);
            w = Math.Max((int)Math.Ceiling(width * ratio / m) * m, m);
        }
        else
        {
            h = Math.Max((int)Math.Round((int)(height * ratio) / (double)m, MidpointRounding.ToEven) * m, m);
            w = Math.Max((int)Math.Round((int)(width * ratio) / (double)m, MidpointRounding.ToEven) * m, m);
        }

        var input = new float[3 * h * w];
        byte[]? padded = null;
        double scale = 1;
        int left = 0, top = 0;
        if (_config.Contain)
        {
            (padded, scale, left, top) = VipsResampler.Contain(rgb, width, height, 3, w, h);
            Normalize(padded, w, h, _config.Detection, input, w);
        }
        else
        {
            ResizeNormalize(rgb, width, height, w, h, _config.Detection, input, w);
        }

        using var x = OrtValue.CreateTensorValueFromMemory(input, [1, 3, h, w]);
        using var outputs = _detector.Run([_detector.InputNames[0]], [x], [_detector.OutputNames[0]]);
        var shape = outputs[0].GetTensorTypeAndShape().Shape;
        int mapHeight = (int)shape[^2], mapWidth = (int)shape[^1];
        return new DetectionOutput(outputs[0].GetTensorDataAsSpan<float>()[..(mapHeight * mapWidth)].ToArray(), mapWidth, mapHeight, padded, w, h, scale, left, top);
    }

    /// <summary>TextClassifier: batches by aspect ratio, 48 x 192 padded inputs, a half turn where "180" wins above the threshold.</summary>
    private void Classify(CropImage[] crops, CancellationToken cancellationToken)
    {
        var stage = _config.Classifier!;
        var indices = Enumerable.Range(0, crops.Length).OrderBy(i => crops[i].AspectRatio).ToArray();
        int batches = (indices.Length + stage.BatchSize - 1) / stage.BatchSize;
        ForEachBatch(batches, cancellationToken, k =>
        {
            int start = k * stage.BatchSize;
            var batch = indices.AsSpan(start, Math.Min(stage.BatchSize, indices.Length - start)).ToArray();
            var input = BatchInput(crops, batch, stage, stage.Width);
            using var x = OrtValue.CreateTensorValueFromMemory(input, [batch.Length, 3, stage.Height, stage.Width]);
            using var outputs = _classifier!.Run([_classifier.InputNames[0]], [x], [_classifier.OutputNames[0]]);
            var probabilities = outputs[0].GetTensorDataAsSpan<float>();
            int labels = probabilities.Length / batch.Length;
            for (int b = 0; b < batch.Length; b++)
            {
                var row = probabilities.Slice(b * labels, labels);
                int best = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(row);
                if (best == _config.RotatedLabel && row[best] > _config.ClassifierThreshold)
                {
                    crops[batch[b]] = crops[batch[b]].RotateHalf();
                }
            }
        });
    }

    /// <summary>TextRecognizer: batches sorted by aspect ratio, height 48, width by the batch's widest ratio (at least 320), padded; greedy CTC.</summary>
    private (string Text, float Confidence)[] Recognize(CropImage[] crops, CancellationToken cancellationToken)
    {
        var stage = _config.Recognition;
        var results = new (string, float)[crops.Length];
        var indices = Enumerable.Range(0, crops.Length).OrderBy(i => crops[i].AspectRatio).ToArray();
        int batches = (indices.Length + stage.BatchSize - 1) / stage.BatchSize;
        ForEachBatch(batches, cancellationToken, k =>
        {
            int start = k * stage.BatchSize;
            var batch = indices.AsSpan(start, Math.Min(stage.BatchSize, indices.Length - start)).ToArray();
            int batchWidth = stage.Libvips
                ? Math.Max(stage.Width, batch.Max(i => ResizedWidth(crops[i], stage, int.MaxValue)))
                : (int)(stage.Height * Math.Max((double)stage.Width / stage.Height, batch.Max(i => (double)crops[i].Width / crops[i].Height)));
            var input = BatchInput(crops, batch, stage, batchWidth);
            using var x = OrtValue.CreateTensorValueFromMemory(input, [batch.Length, 3, stage.Height, batchWidth]);
            using var outputs = _recognizer.Run([_recognizer.InputNames[0]], [x], [_recognizer.OutputNames[0]]);
            var shape = outputs[0].GetTensorTypeAndShape().Shape;
            int frames = (int)shape[1], classes = (int)shape[2];
            var probabilities = outputs[0].GetTensorDataAsSpan<float>();
            for (int b = 0; b < batch.Length; b++)
            {
                results[batch[b]] = _decoder.Decode(probabilities.Slice(b * frames * classes, frames * classes), frames);
            }
        });

        return results;
    }

    // Batches are independent: with several, two run at once, so one batch's single-threaded stretches (the many small
    // operators of a 48-pixel-high input) overlap the other's instead of leaving a core idle. Results land by index,
    // so the order of completion changes nothing.
    private static void ForEachBatch(int batches, CancellationToken cancellationToken, Action<int> body)
    {
        if (batches <= 1 || Environment.ProcessorCount < 2)
        {
            for (int k = 0; k < batches; k++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                body(k);
            }

            return;
        }

        try
        {
            Parallel.For(0, batches, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken }, body);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count >= 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
        }
    }

    // PaddleOCR's resize_norm_img: keep the aspect ratio at the stage's height (width at most batchWidth), normalize,
    // leave the rest of the row at 0 (the padding comes after normalization).
    private static float[] BatchInput(CropImage[] crops, int[] batch, OcrStageConfig stage, int batchWidth)
    {
        int plane = stage.Height * batchWidth;
        var input = new float[batch.Length * 3 * plane];
        for (int b = 0; b < batch.Length; b++)
        {
            var crop = crops[batch[b]];
            ResizeNormalize(crop.Pixels, crop.Width, crop.Height, ResizedWidth(crop, stage, batchWidth), stage.Height, stage, input.AsSpan(b * 3 * plane, 3 * plane), batchWidth);
        }

        return input;
    }

    // The width a crop gets at the stage's height: PaddleOCR's ceil(height * ratio) up to the batch's width, or what sharp
    // gives for resize({ height }) (libvips rounds to nearest; ocr-node pads nothing, so the batch is as wide as its widest line).
    private static int ResizedWidth(CropImage crop, OcrStageConfig stage, int batchWidth) => stage.Libvips
        ? Math.Min(batchWidth, VipsResampler.OutputSize(crop.Width, crop.Height, crop.Height / (double)stage.Height).Width)
        : Math.Max(1, Math.Min(batchWidth, (int)Math.Ceiling(stage.Height * (double)crop.Width / crop.Height)));

    // Resizes to outWidth x outHeight (Pillow's filter: bilinear unless the config says otherwise) and writes (x / 255 - mean) / std as planes of rowStride columns,
    // in the stage's channel order.
    private static void ResizeNormalize(ReadOnlySpan<byte> rgb, int width, int height, int outWidth, int outHeight, OcrStageConfig stage, Span<float> destination, int rowStride)
    {
        byte[]? rented = null;
        ReadOnlySpan<byte> resized = rgb;
        if (stage.Libvips && outHeight != height)
        {
            var vips = VipsResampler.Resize(rgb, width, height, 3, height / (double)outHeight, out int vipsWidth, out _);
            resized = vips;
            outWidth = Math.Min(outWidth, vipsWidth);
            Normalize(resized, outWidth, outHeight, stage, destination, rowStride, vipsWidth);
            return;
        }

        if (outWidth != width || outHeight != height)
        {
            rented = System.Buffers.ArrayPool<byte>.Shared.Rent(outWidth * outHeight * 3);
            PillowResampler.Resize(rgb, width, height, outWidth, outHeight, stage.Resample, rented, 0, 0, outWidth, outHeight, Vector128.IsHardwareAccelerated);
            resized = rented.AsSpan(0, outWidth * outHeight * 3);
        }

        Normalize(resized, outWidth, outHeight, stage, destination, rowStride, outWidth);
        if (rented is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    // Writes (x / 255 - mean) / std of the first outWidth columns of an image sourceWidth wide as planes of rowStride
    // columns, in the stage's channel order.
    private static void Normalize(ReadOnlySpan<byte> resized, int outWidth, int outHeight, OcrStageConfig stage, Span<float> destination, int rowStride, int sourceWidth = -1)
    {
        if (sourceWidth < 0)
        {
            sourceWidth = outWidth;
        }

        int plane = outHeight * rowStride;
        Span<float> scale = stackalloc float[3];
        Span<float> offset = stackalloc float[3];
        for (int c = 0; c < 3; c++)
        {
            scale[c] = 1f / (255f * stage.Std[c]);
            offset[c] = -stage.Mean[c] / stage.Std[c];
        }

        for (int c = 0; c < 3; c++)
        {
            int source = stage.Bgr ? 2 - c : c;
            var target = destination.Slice(c * plane, plane);
            for (int y = 0; y < outHeight; y++)
            {
                var row = target.Slice(y * rowStride, outWidth);
                int o = (y * sourceWidth * 3) + source;
                for (int x = 0; x < outWidth; x++)
                {
                    row[x] = (resized[o + (x * 3)] * scale[c]) + offset[c];
                }
            }
        }
    }

    private RgbImage Decode(ImageData image)
    {
        try
        {
            if (image.FilePath is { } path)
            {
                byte[] bytes;
                try
                {
                    bytes = File.ReadAllBytes(path);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new InputDecodeException($"Image file '{path}' cannot be read: {ex.Message}", ex);
                }

                return _imageDecoder.Decode(bytes);
            }

            return _imageDecoder.Decode(image.EncodedBytes.Span);
        }
        catch (InputDecodeException ex) when (image.Name is not null && !ex.Message.Contains(image.Name, StringComparison.Ordinal))
        {
            throw new InputDecodeException($"'{image.Name}': {ex.Message}", ex);
        }
    }

    // Each image runs the detector, then the classifier, then the recognizer, each run a few tens of milliseconds: with
    // ONNX Runtime's spinning left to run on after a run returns, the detector's workers held a core while the
    // recognizer started (ocr-node, the same graphs on ONNX Runtime's defaults, has the same cost). Spinning that ends
    // with each run keeps the low latency between operators within a run and gives the core back after it.
    private static ModelSession Open(OnnxSessionFactory factory, ModelFolder folder, string graph) =>
        factory.Create(folder, Path.Combine(folder.Path, graph), graph, stopSpinningAfterRun: true).Require(Array.Empty<string>(), Array.Empty<string>());

    /// <summary>Gets the reader's sessions (tests: how they were created).</summary>
    internal IEnumerable<ModelSession> Sessions => _classifier is null ? [_detector, _recognizer] : [_detector, _classifier, _recognizer];
}

/// <summary>The detector's probability map; with <c>"resize": "contain"</c> also its input image (RGB) and where the image sits in it.</summary>
internal readonly record struct DetectionOutput(float[] Map, int MapWidth, int MapHeight, byte[]? Input, int InputWidth, int InputHeight, double Scale, int Left, int Top);

/// <summary>Time per stage, summed over calls (the OCR benchmark's breakdown). Not safe for concurrent use.</summary>
internal sealed class OcrTimings
{
    public double Decode;
    public double Detection;
    public double PostProcessing;
    public double Classification;
    public double Recognition;

    /// <summary>Adds the time since the last lap to <paramref name="stage"/> and restarts the clock.</summary>
    public void Add(ref double stage, Stopwatch clock)
    {
        stage += clock.Elapsed.TotalMilliseconds;
        clock.Restart();
    }
}

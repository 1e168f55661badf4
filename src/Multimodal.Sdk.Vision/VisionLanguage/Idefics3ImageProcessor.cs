using System.Globalization;
using System.Runtime.Intrinsics;

namespace Multimodal.Sdk;

/// <summary>
/// Idefics3's image processing (SmolVLM v1), as transformers' <c>Idefics3ImageProcessor</c> does it with Pillow:
/// resize so the longest edge is <c>size.longest_edge</c> (up or down, the other side <c>int(...)</c> and made even),
/// resize again so both sides are multiples of <c>max_image_size.longest_edge</c>, cut that into tiles of that size
/// (row-major) and append the whole image resized to one tile (the global image); each step resamples the 8-bit image
/// with the config's <c>resample</c>. Then rescale, normalize, channels first: <c>pixel_values</c>
/// <c>[1, tiles + 1, 3, tile, tile]</c>. An image that fits in one tile is not split (rows = cols = 0).
/// </summary>
/// <remarks>
/// Immutable and safe for concurrent use. Images are converted to RGB when decoded, so grayscale and palette images
/// are resized as RGB and alpha is composited on white first: Python's processor resizes a grayscale array as a
/// palette image (nearest) and an RGBA one with premultiplied alpha before it converts (docs/model-folders.md).
/// </remarks>
internal sealed class Idefics3ImageProcessor
{
    /// <summary>transformers' <c>MAX_IMAGE_SIZE</c>: the first resize never makes a side longer than 4k.</summary>
    public const int MaxImageSize = 4096;

    private readonly IImageDecoder _decoder;
    private readonly PixelNormalizer _normalizer;
    private readonly long _maxIntermediateBytes;

    /// <exception cref="ModelIncompatibleException">A size in <paramref name="json"/> is missing, not positive, or larger than 4096.</exception>
    public Idefics3ImageProcessor(JsonConfig json, MultimodalOptions options, IImageDecoder? decoder = null, bool? useSimd = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(options);
        _decoder = decoder ?? new ImageSharpImageDecoder(options);
        DoResize = json.TryGetBoolean("do_resize") ?? true;
        DoImageSplitting = json.TryGetBoolean("do_image_splitting") ?? true;

        // Idefics3ImageProcessor's defaults: size {"longest_edge": 4 * 364}, max_image_size {"longest_edge": 364}, LANCZOS.
        LongestEdge = Side(json, "size", 4 * 364);
        TileSize = Side(json, "max_image_size", 364);
        Resample = (ResampleFilter)(json.TryGetInt32("resample") ?? (int)ResampleFilter.Lanczos);
        if (!Enum.IsDefined(Resample))
        {
            throw new ModelIncompatibleException(json.FolderPath, json.FileName, $"'{json.FileName}' in model folder '{json.FolderPath}': 'resample' must be a PIL filter code 0..5 but is {(int)Resample}.");
        }

        var normalization = new ImagePreprocessorConfig
        {
            DoResize = false,
            DoRescale = json.TryGetBoolean("do_rescale") ?? true,
            RescaleFactor = (float)(json.TryGetDouble("rescale_factor") ?? (1.0 / 255.0)),
            DoNormalize = json.TryGetBoolean("do_normalize") ?? true,

            // IMAGENET_STANDARD_MEAN / _STD, Idefics3ImageProcessor's defaults
            ImageMean = json.TryGetSingleArray("image_mean") is { Length: 3 } mean ? mean : [0.5f, 0.5f, 0.5f],
            ImageStd = json.TryGetSingleArray("image_std") is { Length: 3 } std ? std : [0.5f, 0.5f, 0.5f],
        };
        _normalizer = new PixelNormalizer(normalization);
        _maxIntermediateBytes = options.Limits?.MaxIntermediateBytes ?? InputLimits.DefaultMaxIntermediateBytes;
        UseSimd = useSimd ?? Vector128.IsHardwareAccelerated;
    }

    public bool DoResize { get; }

    public bool DoImageSplitting { get; }

    /// <summary>Gets <c>size.longest_edge</c>: the first resize's longest side.</summary>
    public int LongestEdge { get; }

    /// <summary>Gets <c>max_image_size.longest_edge</c>: the side of every tile and of the global image.</summary>
    public int TileSize { get; }

    public ResampleFilter Resample { get; }

    public bool UseSimd { get; }

    /// <summary>
    /// The first resize (<c>get_resize_output_image_size</c>): the longest side becomes <paramref name="longestEdge"/>,
    /// the other <c>int(side / aspect)</c>, plus one when odd, at least 1; then both are brought under
    /// <see cref="MaxImageSize"/> keeping the aspect ratio.
    /// </summary>
    public static (int Height, int Width) ResizeOutputSize(int height, int width, int longestEdge)
    {
        double aspect = (double)width / height;
        int h, w;
        if (width >= height)
        {
            w = longestEdge;
            h = (int)(w / aspect);
            h += h % 2;
        }
        else
        {
            h = longestEdge;
            w = (int)(h * aspect);
            w += w % 2;
        }

        h = Math.Max(h, 1);
        w = Math.Max(w, 1);

        // _resize_output_size_scale_below_upper_bound
        aspect = (double)w / h;
        if (w >= h && w > MaxImageSize)
        {
            w = MaxImageSize;
            h = (int)(w / aspect);
        }
        else if (h > w && h > MaxImageSize)
        {
            h = MaxImageSize;
            w = (int)(h * aspect);
        }

        return (Math.Max(h, 1), Math.Max(w, 1));
    }

    /// <summary><c>resize_for_vision_encoder</c>: the longer side up to a multiple of <paramref name="tile"/>, the other from the aspect ratio, then up to a multiple too.</summary>
    public static (int Height, int Width) VisionEncoderSize(int height, int width, int tile)
    {
        double aspect = (double)width / height;
        int h, w;
        if (width >= height)
        {
            w = CeilMultiple(width, tile);
            h = CeilMultiple((int)(w / aspect), tile);
        }
        else
        {
            h = CeilMultiple(height, tile);
            w = CeilMultiple((int)(h * aspect), tile);
        }

        return (h, w);
    }

    /// <summary>Gets the tile rows and columns (0 and 0 when the image is not split) and the final size before splitting, for an image of the given size.</summary>
    public (int Rows, int Cols, int Height, int Width) Plan(int height, int width)
    {
        var (h, w) = DoResize ? ResizeOutputSize(height, width, LongestEdge) : (height, width);
        if (!DoImageSplitting)
        {
            return (0, 0, h, w);
        }

        (h, w) = VisionEncoderSize(h, w, TileSize);
        return h > TileSize || w > TileSize ? (DivCeil(h, TileSize), DivCeil(w, TileSize), h, w) : (0, 0, h, w);
    }

    /// <summary>Decodes and preprocesses one image into <c>tiles + 1</c> tensors of <c>[3, tile, tile]</c>, tiles first (row-major), the global image last.</summary>
    /// <exception cref="InputDecodeException">The image cannot be read or decoded.</exception>
    /// <exception cref="InputTooLargeException">The image exceeds the pixel budget, or its buffers the intermediate budget.</exception>
    public Idefics3Pixels Preprocess(ImageData image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!image.RgbPixels.IsEmpty)
        {
            return Preprocess(image.RgbPixels.Span, image.Width, image.Height, cancellationToken);
        }

        byte[]? file = null;
        if (image.FilePath is { } path)
        {
            try
            {
                file = File.ReadAllBytes(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new InputDecodeException($"Image file '{path}' cannot be read: {ex.Message}", ex);
            }
        }

        RgbImage decoded;
        try
        {
            decoded = _decoder.Decode(file ?? image.EncodedBytes.Span);
        }
        catch (InputDecodeException ex) when (image.Name is not null && !ex.Message.Contains(image.Name, StringComparison.Ordinal))
        {
            throw new InputDecodeException($"'{image.Name}': {ex.Message}", ex);
        }

        using (decoded)
        {
            return Preprocess(decoded.Pixels, decoded.Width, decoded.Height, cancellationToken);
        }
    }

    /// <summary>Preprocesses decoded 8-bit RGB pixels (3 bytes per pixel, rows top to bottom).</summary>
    /// <exception cref="InputTooLargeException">The buffers would exceed <see cref="InputLimits.MaxIntermediateBytes"/>.</exception>
    public Idefics3Pixels Preprocess(ReadOnlySpan<byte> rgb, int width, int height, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (rgb.Length < (long)width * height * 3)
        {
            throw new ArgumentException($"{width} x {height} RGB pixels need {(long)width * height * 3} bytes but {rgb.Length} were given.", nameof(rgb));
        }

        var (rows, cols, h, w) = Plan(height, width);
        bool split = rows > 0;
        int tiles = split ? (rows * cols) + 1 : 1;
        int side = TileSize;
        if (!split)
        {
            // One tile: what resize_for_vision_encoder gives an image that fits, and the square Python (transformers
            // >= 4.48) and transformers.js resize to without splitting.
            (h, w) = (side, side);
        }

        long tensorBytes = (long)tiles * 3 * side * side * sizeof(float);
        long imageBytes = 3L * ((long)h * w + ((long)LongestEdge * LongestEdge));
        if (tensorBytes + imageBytes > _maxIntermediateBytes)
        {
            throw new InputTooLargeException(
                string.Create(CultureInfo.InvariantCulture, $"The {width} x {height} image splits into {tiles} tiles of {side} x {side}, needing {tensorBytes + imageBytes} bytes, more than the budget of {_maxIntermediateBytes} (MultimodalOptions.Limits.MaxIntermediateBytes)."),
                tensorBytes + imageBytes,
                _maxIntermediateBytes);
        }

        // Step 1: longest edge; step 2: multiples of the tile (or the square tile without splitting). Each step is a
        // Pillow resize of the 8-bit result of the one before, as Python converts back to uint8 in between.
        byte[] current = rgb[..(width * height * 3)].ToArray();
        int cw = width, ch = height;
        if (DoResize)
        {
            var (h1, w1) = ResizeOutputSize(height, width, LongestEdge);
            (current, cw, ch) = (Resize(current, cw, ch, w1, h1), w1, h1);
        }

        cancellationToken.ThrowIfCancellationRequested();
        (current, cw, ch) = (Resize(current, cw, ch, w, h), w, h);
        var data = new float[(long)tiles * 3 * side * side];
        int plane = side * side;
        int at = 0;
        if (split)
        {
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < cols; c++)
                {
                    Normalize(current, cw, c * side, r * side, side, data.AsSpan(at * 3 * plane, 3 * plane));
                    at++;
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            (current, cw, ch) = (Resize(current, cw, ch, side, side), side, side);
        }

        Normalize(current, cw, 0, 0, side, data.AsSpan(at * 3 * plane, 3 * plane));
        return new Idefics3Pixels(data, tiles, side, rows, cols);
    }

    private byte[] Resize(byte[] src, int srcWidth, int srcHeight, int outWidth, int outHeight)
    {
        if (srcWidth == outWidth && srcHeight == outHeight)
        {
            return src;
        }

        var dst = new byte[outWidth * outHeight * 3];
        PillowResampler.Resize(src, srcWidth, srcHeight, outWidth, outHeight, Resample, dst, 0, 0, outWidth, outHeight, UseSimd);
        return dst;
    }

    private void Normalize(byte[] src, int srcWidth, int x, int y, int side, Span<float> destination)
    {
        int plane = side * side;
        var r = destination[..plane];
        var g = destination.Slice(plane, plane);
        var b = destination.Slice(plane * 2, plane);
        for (int row = 0; row < side; row++)
        {
            int from = (((y + row) * srcWidth) + x) * 3;
            _normalizer.Row(src.AsSpan(from, side * 3), r.Slice(row * side, side), g.Slice(row * side, side), b.Slice(row * side, side), UseSimd);
        }
    }

    private static int CeilMultiple(int value, int multiple) => DivCeil(value, multiple) * multiple;

    private static int DivCeil(int value, int divisor) => (value + divisor - 1) / divisor;

    private static int Side(JsonConfig json, string key, int fallback)
    {
        if (json.Section(key) is not { } section)
        {
            return fallback;
        }

        int value = section.TryGetInt32("longest_edge")
            ?? throw new ModelIncompatibleException(json.FolderPath, json.FileName, $"'{json.FileName}' in model folder '{json.FolderPath}': '{key}' must give 'longest_edge' (Idefics3ImageProcessor).");
        if (value <= 0 || value > MaxImageSize)
        {
            throw new ModelIncompatibleException(json.FolderPath, json.FileName, $"'{json.FileName}' in model folder '{json.FolderPath}': '{key}.longest_edge' must be between 1 and {MaxImageSize} but is {value}.");
        }

        return value;
    }
}

/// <summary>One image's Idefics3 tensors: <see cref="Tiles"/> x <c>[3, Side, Side]</c>, and its tile grid (0 x 0 when not split).</summary>
internal sealed record Idefics3Pixels(float[] Data, int Tiles, int Side, int Rows, int Cols);

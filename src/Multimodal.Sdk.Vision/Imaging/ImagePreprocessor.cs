using System.Globalization;
using System.Runtime.Intrinsics;

namespace Multimodal.Sdk;

/// <summary>
/// Turns images into the <c>pixel_values</c> tensor of a CLIP / ViT style model exactly as transformers'
/// <c>CLIPImageProcessor</c> / <c>ViTImageProcessor</c> do: convert to RGB, resize with Pillow's algorithm
/// (shortest edge or exact size), center crop (zero padded when the image is smaller), rescale, normalize,
/// channels first. Output is float32 <c>[3, H, W]</c> per image, <c>[b, 3, H, W]</c> per batch.
/// </summary>
/// <remarks>
/// Immutable and safe for concurrent use; temporary buffers come from <see cref="ImageBuffers"/> (large ones are not pooled).
/// </remarks>
internal sealed class ImagePreprocessor
{
    private readonly IImageDecoder _decoder;
    private readonly PixelNormalizer _normalizer;

    /// <summary>Creates a preprocessor decoding with ImageSharp under the pixel budget of <paramref name="options"/>.</summary>
    /// <param name="config">The model's image preprocessing.</param>
    /// <param name="options">Limits for untrusted input.</param>
    /// <param name="decoder">The decoder to use; <see langword="null"/> for ImageSharp.</param>
    /// <param name="useSimd">Whether to use the vectorized kernels (default: where the hardware accelerates them); <see langword="false"/> runs the scalar baseline.</param>
    public ImagePreprocessor(ImagePreprocessorConfig config, MultimodalOptions options, IImageDecoder? decoder = null, bool? useSimd = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        if (config.ImageMean.Length != 3 || config.ImageStd.Length != 3)
        {
            throw new ArgumentException("image_mean and image_std need one value per RGB channel.", nameof(config));
        }

        Config = config;
        MaxIntermediateBytes = options.Limits?.MaxIntermediateBytes ?? InputLimits.DefaultMaxIntermediateBytes;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxIntermediateBytes, "options.Limits.MaxIntermediateBytes");
        _decoder = decoder ?? new ImageSharpImageDecoder(options);
        _normalizer = new PixelNormalizer(config);
        UseSimd = useSimd ?? Vector128.IsHardwareAccelerated;
    }

    public ImagePreprocessorConfig Config { get; }

    public bool UseSimd { get; }

    /// <summary>Gets the most bytes one image's resize and tensor may need (<see cref="InputLimits.MaxIntermediateBytes"/>).</summary>
    public long MaxIntermediateBytes { get; }

    /// <summary>Gets the tensor size every image gets when it does not depend on the image (center crop or exact resize), else <see langword="null"/>.</summary>
    public (int Height, int Width)? FixedOutputSize =>
        Config.DoCenterCrop ? (Config.CropHeight, Config.CropWidth)
        : Config.DoResize && Config.ResizeMode == ResizeMode.Exact ? (Config.Height, Config.Width)
        : null;

    /// <summary>
    /// Refuses a <c>preprocessor_config.json</c> whose output size is not the fixed <c>pixel_values</c> size a graph
    /// declares, at load: otherwise the first request fails inside ONNX Runtime ("invalid dimensions").
    /// </summary>
    /// <returns><paramref name="session"/>, for chaining.</returns>
    /// <exception cref="ModelIncompatibleException">The sizes differ; the message names the file, the keys and both sizes.</exception>
    public ModelSession RequireGraphSize(ModelSession session, string folderPath, string input = "pixel_values")
    {
        int[] dims = session.Inputs[input].Dimensions;
        if (dims.Length != 4 || dims[2] <= 0 || dims[3] <= 0)
        {
            return session;
        }

        if (FixedOutputSize is { } size && size.Height == dims[2] && size.Width == dims[3])
        {
            return session;
        }

        string made = FixedOutputSize is { } s ? $"{s.Height} x {s.Width} images" : "images of varying size";
        string keys = Config.DoCenterCrop ? "'crop_size'" : "'size' (or 'do_center_crop' with 'crop_size')";
        throw new ModelIncompatibleException(folderPath, "preprocessor_config.json", $"preprocessor_config.json of '{folderPath}' makes {made}, but '{session.FileName}' takes {input} of {dims[2]} x {dims[3]}: {keys} must match the graph.");
    }

    /// <summary>The size transformers' <c>get_resize_output_image_size(default_to_square=False)</c> gives: the shorter side becomes <paramref name="shortestEdge"/>, the longer one <c>int(edge * long / short)</c>.</summary>
    /// <exception cref="InputTooLargeException">The longer side would not fit in 32 bits (an extreme aspect ratio).</exception>
    public static (int Height, int Width) ShortestEdgeSize(int height, int width, int shortestEdge)
    {
        bool portrait = width <= height;
        long shortSide = portrait ? width : height;
        long longSide = portrait ? height : width;

        // Python's int(size * long / short): exact integer product, one float64 division, truncation.
        double exactLong = (double)(shortestEdge * longSide) / shortSide;
        if (exactLong >= int.MaxValue)
        {
            throw new InputTooLargeException(
                string.Create(CultureInfo.InvariantCulture, $"The {width} x {height} image is too elongated: resizing its shorter side to {shortestEdge} makes the longer one {exactLong:F0} pixels."),
                (long)Math.Min(exactLong, long.MaxValue),
                int.MaxValue - 1);
        }

        int newLong = (int)exactLong;
        return portrait ? (newLong, shortestEdge) : (shortestEdge, newLong);
    }

    /// <summary>Gets the size of the tensor an image of the given size produces.</summary>
    public (int Height, int Width) GetOutputSize(int height, int width)
    {
        var (h, w) = GetResizedSize(height, width);
        return Config.DoCenterCrop ? (Config.CropHeight, Config.CropWidth) : (h, w);
    }

    /// <summary>Decodes one encoded image and writes its <c>[3, H, W]</c> tensor into <paramref name="destination"/>.</summary>
    /// <returns>The tensor's height and width.</returns>
    /// <exception cref="InputDecodeException">The bytes are not a decodable image.</exception>
    /// <exception cref="InputTooLargeException">The image claims more pixels than the budget.</exception>
    /// <exception cref="InputTooLargeException">The image claims more pixels than the budget, or resizing it needs more than <see cref="MaxIntermediateBytes"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    public (int Height, int Width) Preprocess(ReadOnlySpan<byte> encoded, Span<float> destination)
    {
        using var image = _decoder.Decode(encoded);
        return Preprocess(image.Pixels, image.Width, image.Height, destination);
    }

    /// <summary>Preprocesses already decoded 8-bit RGB pixels (3 bytes per pixel, rows top to bottom), such as video frames.</summary>
    /// <returns>The tensor's height and width.</returns>
    /// <exception cref="ArgumentException">The pixels or <paramref name="destination"/> are too small for the sizes given.</exception>
    /// <exception cref="InputTooLargeException">Resizing the image needs more than <see cref="MaxIntermediateBytes"/> (an extreme aspect ratio).</exception>
    public (int Height, int Width) Preprocess(ReadOnlySpan<byte> rgb, int width, int height, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (rgb.Length < (long)width * height * 3)
        {
            throw new ArgumentException($"{width} x {height} RGB pixels need {(long)width * height * 3} bytes but {rgb.Length} were given.", nameof(rgb));
        }

        var (resizedHeight, resizedWidth) = GetResizedSize(height, width);
        var (outHeight, outWidth) = Config.DoCenterCrop ? (Config.CropHeight, Config.CropWidth) : (resizedHeight, resizedWidth);
        CheckTensorSize(width, height, outHeight, outWidth);
        int plane = outHeight * outWidth;
        if (destination.Length < plane * 3)
        {
            throw new ArgumentException($"The destination holds {destination.Length} floats; a [3, {outHeight}, {outWidth}] tensor needs {plane * 3}.", nameof(destination));
        }

        // transformers' center_crop: top = (h - crop_h) // 2 (floor), pixels outside the image are zeros.
        int offsetY = Config.DoCenterCrop ? FloorHalf(resizedHeight - outHeight) : 0;
        int offsetX = Config.DoCenterCrop ? FloorHalf(resizedWidth - outWidth) : 0;
        int firstRow = Math.Max(0, -offsetY);
        int endRow = Math.Min(outHeight, resizedHeight - offsetY);
        int firstColumn = Math.Max(0, -offsetX);
        int endColumn = Math.Min(outWidth, resizedWidth - offsetX);

        var r = destination[..plane];
        var g = destination.Slice(plane, plane);
        var b = destination.Slice(plane * 2, plane);
        if (firstRow > 0 || endRow < outHeight || firstColumn > 0 || endColumn < outWidth)
        {
            r.Fill(_normalizer.PadValue(0));
            g.Fill(_normalizer.PadValue(1));
            b.Fill(_normalizer.PadValue(2));
        }

        int windowWidth = endColumn - firstColumn;
        int windowHeight = endRow - firstRow;
        int windowX = firstColumn + offsetX;
        int windowY = firstRow + offsetY;

        ReadOnlySpan<byte> window;
        int windowStride;
        int windowOffset;
        byte[]? rented = null;
        try
        {
            if (resizedWidth == width && resizedHeight == height)
            {
                window = rgb;
                windowStride = width * 3;
                windowOffset = (windowY * windowStride) + (windowX * 3);
            }
            else
            {
                long needed = ((long)windowWidth * windowHeight * 3)
                    + PillowResampler.IntermediateBytes(width, height, resizedWidth, resizedHeight, Config.Resample, windowWidth, windowHeight);
                if (needed > MaxIntermediateBytes)
                {
                    throw new InputTooLargeException(
                        string.Create(CultureInfo.InvariantCulture, $"Resizing the {width} x {height} image to {resizedWidth} x {resizedHeight} needs {needed} bytes of intermediate buffers, more than the budget of {MaxIntermediateBytes} (MultimodalOptions.Limits.MaxIntermediateBytes); its aspect ratio is too extreme."),
                        needed,
                        MaxIntermediateBytes);
                }

                rented = ImageBuffers.Rent<byte>(windowWidth * windowHeight * 3);
                PillowResampler.Resize(rgb, width, height, resizedWidth, resizedHeight, Config.Resample, rented, windowX, windowY, windowWidth, windowHeight, UseSimd);
                window = rented;
                windowStride = windowWidth * 3;
                windowOffset = 0;
            }

            for (int y = 0; y < windowHeight; y++)
            {
                int at = ((firstRow + y) * outWidth) + firstColumn;
                _normalizer.Row(
                    window.Slice(windowOffset + (y * windowStride), windowWidth * 3),
                    r.Slice(at, windowWidth),
                    g.Slice(at, windowWidth),
                    b.Slice(at, windowWidth),
                    UseSimd);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ImageBuffers.Return(rented);
            }
        }

        return (outHeight, outWidth);
    }

    /// <summary>
    /// Decodes, resizes and crops an image to the tensor's size as 8-bit RGB, the step of <see cref="Preprocess(ReadOnlySpan{byte}, Span{float})"/>
    /// before normalization. Preprocessing the result gives exactly the tensor of the original (an image already at the
    /// target size is not resized again), so a batch can be prepared image by image on the callers' threads.
    /// </summary>
    /// <returns>The pixels and their size, or <see langword="null"/> when this configuration cannot be split so (the crop pads).</returns>
    /// <exception cref="InputDecodeException">The bytes are not a decodable image.</exception>
    /// <exception cref="InputTooLargeException">The image claims more pixels than the budget, or resizing it needs more than <see cref="MaxIntermediateBytes"/>.</exception>
    public (byte[] Rgb, int Width, int Height)? ResizeAndCrop(ReadOnlySpan<byte> encoded)
    {
        using var image = _decoder.Decode(encoded);
        return ResizeAndCrop(image.Pixels, image.Width, image.Height);
    }

    /// <summary>Resizes and crops decoded 8-bit RGB pixels to the tensor's size (see <see cref="ResizeAndCrop(ReadOnlySpan{byte})"/>).</summary>
    /// <returns>The pixels and their size, or <see langword="null"/> when the crop pads.</returns>
    /// <exception cref="InputTooLargeException">Resizing the image needs more than <see cref="MaxIntermediateBytes"/>.</exception>
    public (byte[] Rgb, int Width, int Height)? ResizeAndCrop(ReadOnlySpan<byte> rgb, int width, int height)
    {
        var (resizedHeight, resizedWidth) = GetResizedSize(height, width);
        var (outHeight, outWidth) = Config.DoCenterCrop ? (Config.CropHeight, Config.CropWidth) : (resizedHeight, resizedWidth);
        CheckTensorSize(width, height, outHeight, outWidth);
        int offsetY = Config.DoCenterCrop ? FloorHalf(resizedHeight - outHeight) : 0;
        int offsetX = Config.DoCenterCrop ? FloorHalf(resizedWidth - outWidth) : 0;
        if (offsetY < 0 || offsetX < 0 || GetResizedSize(outHeight, outWidth) != (outHeight, outWidth))
        {
            return null;
        }

        var result = new byte[outWidth * outHeight * 3];
        if (resizedWidth == width && resizedHeight == height)
        {
            for (int y = 0; y < outHeight; y++)
            {
                rgb.Slice((((offsetY + y) * width) + offsetX) * 3, outWidth * 3).CopyTo(result.AsSpan(y * outWidth * 3));
            }
        }
        else
        {
            long needed = (long)result.Length + PillowResampler.IntermediateBytes(width, height, resizedWidth, resizedHeight, Config.Resample, outWidth, outHeight);
            if (needed > MaxIntermediateBytes)
            {
                throw new InputTooLargeException(
                    string.Create(CultureInfo.InvariantCulture, $"Resizing the {width} x {height} image to {resizedWidth} x {resizedHeight} needs {needed} bytes of intermediate buffers, more than the budget of {MaxIntermediateBytes} (MultimodalOptions.Limits.MaxIntermediateBytes); its aspect ratio is too extreme."),
                    needed,
                    MaxIntermediateBytes);
            }

            PillowResampler.Resize(rgb, width, height, resizedWidth, resizedHeight, Config.Resample, result, offsetX, offsetY, outWidth, outHeight, UseSimd);
        }

        return (result, outWidth, outHeight);
    }

    /// <summary>Decodes and preprocesses several images into one <c>[b, 3, H, W]</c> tensor, ready for <c>OrtValue.CreateTensorValueFromMemory</c>.</summary>
    /// <exception cref="InputDecodeException">An image is not decodable; the message names its index.</exception>
    /// <exception cref="InputTooLargeException">An image claims more pixels than the budget.</exception>
    /// <exception cref="ArgumentException">The list is empty, or the images give different tensor sizes (shortest-edge resize without a crop).</exception>
    public (float[] Data, long[] Shape) PreprocessBatch(IReadOnlyList<ReadOnlyMemory<byte>> images, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            throw new ArgumentException("A batch needs at least one image.", nameof(images));
        }

        float[]? data = null;
        int height = 0, width = 0;
        for (int i = 0; i < images.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            RgbImage image;
            try
            {
                image = _decoder.Decode(images[i].Span);
            }
            catch (InputDecodeException ex) when (images.Count > 1)
            {
                throw new InputDecodeException($"Image {i} of the batch: {ex.Message}", ex);
            }

            using (image)
            {
                var size = GetOutputSize(image.Height, image.Width);
                CheckTensorSize(image.Width, image.Height, size.Height, size.Width);
                if (data is null)
                {
                    (height, width) = size;
                    data = new float[(long)images.Count * 3 * height * width];
                }
                else if (size != (height, width))
                {
                    throw new ArgumentException($"Image {i} gives a {size.Height} x {size.Width} tensor but image 0 gives {height} x {width}; without a center crop a shortest-edge resize keeps each image's aspect ratio, so preprocess such images one at a time.", nameof(images));
                }

                int length = 3 * height * width;
                Preprocess(image.Pixels, image.Width, image.Height, data.AsSpan(i * length, length));
            }
        }

        return (data!, [images.Count, 3, height, width]);
    }

    private void CheckTensorSize(int width, int height, int outHeight, int outWidth)
    {
        long bytes = (long)outHeight * outWidth * 3 * sizeof(float);
        if (bytes > MaxIntermediateBytes)
        {
            throw new InputTooLargeException(
                string.Create(CultureInfo.InvariantCulture, $"The {width} x {height} image gives a {outHeight} x {outWidth} tensor of {bytes} bytes, more than the budget of {MaxIntermediateBytes} (MultimodalOptions.Limits.MaxIntermediateBytes)."),
                bytes,
                MaxIntermediateBytes);
        }
    }

    private (int Height, int Width) GetResizedSize(int height, int width)
    {
        if (!Config.DoResize)
        {
            return (height, width);
        }

        return Config.ResizeMode == ResizeMode.ShortestEdge
            ? ShortestEdgeSize(height, width, Config.ShortestEdge)
            : (Config.Height, Config.Width);
    }

    private static int FloorHalf(int value) => value >= 0 ? value / 2 : -((-value + 1) / 2);
}

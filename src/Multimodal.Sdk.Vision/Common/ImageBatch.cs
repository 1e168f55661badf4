using Microsoft.ML.OnnxRuntime;

namespace Multimodal.Sdk;

/// <summary>Turns <see cref="ImageData"/> inputs into one <c>pixel_values</c> tensor, whatever form each input came in.</summary>
internal static class ImageBatch
{
    /// <summary>Preprocesses images into a <c>[b, 3, H, W]</c> buffer; the caller wraps it in an <see cref="OrtValue"/>.</summary>
    /// <exception cref="InputDecodeException">An image cannot be read or decoded; the message names it.</exception>
    /// <exception cref="InputTooLargeException">An image exceeds the pixel budget.</exception>
    public static (float[] Data, long[] Shape) Preprocess(ImagePreprocessor preprocessor, IReadOnlyList<ImageData> images, CancellationToken cancellationToken)
    {
        var size = preprocessor.FixedOutputSize
            ?? throw new ModelIncompatibleException("(preprocessor)", "preprocessor_config.json", "Batched vision pipelines need a fixed tensor size: preprocessor_config.json must center-crop or resize to an exact size.");
        int length = 3 * size.Height * size.Width;
        var data = new float[(long)images.Count * length];
        if (images.Count == 1 || Environment.ProcessorCount == 1)
        {
            for (int i = 0; i < images.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                PreprocessOne(preprocessor, images, i, data.AsSpan(i * length, length));
            }
        }
        else
        {
            // A batch gathered from many requests (micro-batching) decodes and resizes its images on every core, as the
            // requests would have unbatched; each image writes its own slice, so the tensor is the sequential one.
            try
            {
                Parallel.For(0, images.Count, new ParallelOptions { CancellationToken = cancellationToken }, i => PreprocessOne(preprocessor, images, i, data.AsSpan(i * length, length)));
            }
            catch (AggregateException ex)
            {
                var first = ex.Flatten().InnerExceptions.OrderBy(e => e is OperationCanceledException ? 1 : 0).First();
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
                throw;
            }
        }

        return (data, [images.Count, 3, size.Height, size.Width]);
    }

    /// <summary>
    /// Decodes, resizes and crops one image to the tensor's size (<see cref="ImagePreprocessor.ResizeAndCrop(ReadOnlySpan{byte})"/>),
    /// keeping its name; the image itself when it already is at that size or the configuration pads.
    /// </summary>
    /// <exception cref="InputDecodeException">The image cannot be read or decoded; the message names it.</exception>
    /// <exception cref="InputTooLargeException">The image exceeds the pixel budget.</exception>
    public static ImageData Prepare(ImagePreprocessor preprocessor, ImageData image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var size = preprocessor.FixedOutputSize;
        if (!image.RgbPixels.IsEmpty && size == (image.Height, image.Width))
        {
            return image;
        }

        try
        {
            var prepared = !image.RgbPixels.IsEmpty ? preprocessor.ResizeAndCrop(image.RgbPixels.Span, image.Width, image.Height)
                : image.FilePath is { } path ? preprocessor.ResizeAndCrop(ReadFile(path))
                : preprocessor.ResizeAndCrop(image.EncodedBytes.Span);
            return prepared is { } p ? ImageData.FromPixels(p.Rgb, p.Width, p.Height, image.Name) : image;
        }
        catch (InputDecodeException ex) when (image.Name is not null && !ex.Message.Contains(image.Name, StringComparison.Ordinal))
        {
            throw new InputDecodeException($"'{image.Name}': {ex.Message}", ex);
        }
    }

    private static void PreprocessOne(ImagePreprocessor preprocessor, IReadOnlyList<ImageData> images, int i, Span<float> destination)
    {
        var image = images[i] ?? throw new ArgumentNullException(nameof(images), $"Image {i} is null.");
        try
        {
            if (!image.RgbPixels.IsEmpty)
            {
                preprocessor.Preprocess(image.RgbPixels.Span, image.Width, image.Height, destination);
            }
            else if (image.FilePath is { } path)
            {
                preprocessor.Preprocess(ReadFile(path), destination);
            }
            else
            {
                preprocessor.Preprocess(image.EncodedBytes.Span, destination);
            }
        }
        catch (InputDecodeException ex) when (image.Name is not null && !ex.Message.Contains(image.Name, StringComparison.Ordinal))
        {
            throw new InputDecodeException($"'{image.Name}': {ex.Message}", ex);
        }
    }

    private static byte[] ReadFile(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputDecodeException($"Image file '{path}' cannot be read: {ex.Message}", ex);
        }
    }
}

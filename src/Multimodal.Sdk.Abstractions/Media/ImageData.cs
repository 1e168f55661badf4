namespace Multimodal.Sdk;

/// <summary>
/// An image given to a vision pipeline: a file, encoded bytes (JPEG, PNG, WebP, BMP, GIF) or raw RGB pixels
/// (video frames). Nothing is read or decoded until a pipeline uses it.
/// </summary>
/// <remarks>Immutable; safe to share between threads as long as the caller does not change the memory it passed in.</remarks>
public sealed class ImageData
{
    private ImageData(string? filePath, ReadOnlyMemory<byte> encoded, ReadOnlyMemory<byte> pixels, int width, int height, string? name)
    {
        FilePath = filePath;
        EncodedBytes = encoded;
        RgbPixels = pixels;
        Width = width;
        Height = height;
        Name = name ?? filePath;
    }

    /// <summary>Gets the path of the file, when the image comes from one.</summary>
    public string? FilePath { get; }

    /// <summary>Gets the encoded file bytes, when the image was given as bytes.</summary>
    public ReadOnlyMemory<byte> EncodedBytes { get; }

    /// <summary>Gets the raw pixels (8-bit RGB, row-major, no padding), when the image was given as pixels.</summary>
    public ReadOnlyMemory<byte> RgbPixels { get; }

    /// <summary>Gets the width of raw pixels (0 for files and encoded bytes, whose size is read from their header).</summary>
    public int Width { get; }

    /// <summary>Gets the height of raw pixels (0 for files and encoded bytes).</summary>
    public int Height { get; }

    /// <summary>Gets a name for messages and results: the file path, or the name given.</summary>
    public string? Name { get; }

    /// <summary>Refers to an image file; it is read when a pipeline needs it.</summary>
    /// <param name="path">The file path.</param>
    /// <returns>The image.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    public static ImageData FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new ImageData(path, default, default, 0, 0, null);
    }

    /// <summary>Wraps encoded image bytes (JPEG, PNG, WebP, BMP or GIF).</summary>
    /// <param name="encoded">The file contents.</param>
    /// <param name="name">An optional name used in messages and results.</param>
    /// <returns>The image.</returns>
    public static ImageData FromBytes(ReadOnlyMemory<byte> encoded, string? name = null) => new(null, encoded, default, 0, 0, name);

    /// <summary>Wraps raw 8-bit RGB pixels, row-major without padding (3 bytes a pixel).</summary>
    /// <param name="rgb">The pixels.</param>
    /// <param name="width">Width in pixels, greater than 0.</param>
    /// <param name="height">Height in pixels, greater than 0.</param>
    /// <param name="name">An optional name used in messages and results.</param>
    /// <returns>The image.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="rgb"/> does not hold width x height x 3 bytes.</exception>
    public static ImageData FromPixels(ReadOnlyMemory<byte> rgb, int width, int height, string? name = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (rgb.Length != (long)width * height * 3)
        {
            throw new ArgumentException($"RGB pixels of a {width}x{height} image take {(long)width * height * 3} bytes, but {rgb.Length} were given.", nameof(rgb));
        }

        return new ImageData(null, default, rgb, width, height, name);
    }

    /// <inheritdoc/>
    public override string ToString() => Name ?? (RgbPixels.IsEmpty ? $"image ({EncodedBytes.Length} bytes)" : $"image {Width}x{Height}");
}

namespace Multimodal.Sdk;

/// <summary>
/// A decoded 8-bit RGB image (3 bytes per pixel, rows top to bottom, no padding) in a pooled buffer.
/// Dispose it to give the buffer back; the pixels must not be used afterwards.
/// </summary>
/// <remarks>
/// What an <see cref="IImageDecoder"/> returns. Not safe for concurrent use while it is being disposed; reading from
/// several threads is fine.
/// </remarks>
public sealed class RgbImage : IDisposable
{
    private byte[]? _buffer;

    /// <summary>Rents a buffer for an image of the given size; the pixels are not cleared.</summary>
    /// <param name="width">The width in pixels.</param>
    /// <param name="height">The height in pixels.</param>
    /// <exception cref="ArgumentOutOfRangeException">A side is not positive, or the image does not fit in one buffer.</exception>
    public RgbImage(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        long length = (long)width * height * 3;
        if (length > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"An RGB image of {width} x {height} does not fit in one buffer.");
        }

        Width = width;
        Height = height;
        _buffer = ImageBuffers.Rent<byte>((int)length);
    }

    /// <summary>Gets the width in pixels.</summary>
    public int Width { get; }

    /// <summary>Gets the height in pixels.</summary>
    public int Height { get; }

    /// <summary>Gets the RGB bytes, <c>Width * Height * 3</c> of them.</summary>
    public Span<byte> Pixels => (_buffer ?? throw new ObjectDisposedException(nameof(RgbImage))).AsSpan(0, Width * Height * 3);

    /// <summary>Returns the pixel buffer to the pool; <see cref="Pixels"/> throws afterwards.</summary>
    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ImageBuffers.Return(buffer);
        }
    }
}

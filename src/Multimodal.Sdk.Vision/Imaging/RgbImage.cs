namespace Multimodal.Sdk;

/// <summary>
/// A decoded 8-bit RGB image (3 bytes per pixel, rows top to bottom, no padding) in a pooled buffer.
/// Dispose it to give the buffer back; the pixels must not be used afterwards.
/// </summary>
/// <remarks>Not safe for concurrent use while it is being disposed; reading from several threads is fine.</remarks>
internal sealed class RgbImage : IDisposable
{
    private byte[]? _buffer;

    /// <summary>Rents a buffer for an image of the given size; the pixels are not cleared.</summary>
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

    public int Width { get; }

    public int Height { get; }

    /// <summary>Gets the RGB bytes, <c>Width * Height * 3</c> of them.</summary>
    public Span<byte> Pixels => (_buffer ?? throw new ObjectDisposedException(nameof(RgbImage))).AsSpan(0, Width * Height * 3);

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ImageBuffers.Return(buffer);
        }
    }
}

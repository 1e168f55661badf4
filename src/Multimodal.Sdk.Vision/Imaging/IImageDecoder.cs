namespace Multimodal.Sdk;

/// <summary>
/// Turns encoded image bytes into 8-bit RGB pixels, the way Pillow's <c>ImageOps.exif_transpose</c> followed by
/// <c>convert("RGB")</c> does: EXIF orientation applied, alpha dropped, grey and palette images expanded.
/// The one seam between the preprocessing and an image library, so another library can replace ImageSharp.
/// </summary>
/// <remarks>
/// <para>The default decodes with ImageSharp 2.1 (JPEG, PNG, WebP, BMP, GIF; the pixel budget of
/// <see cref="MultimodalOptions.MaxImagePixels"/> checked from the header before any pixel is decoded). An application
/// registers another one with <c>UseImageDecoder(...)</c> on the multimodal builder (for example to add HEIC or TIFF,
/// or a decoder running in a separate process for untrusted uploads); every vision pipeline then decodes through it.</para>
/// <para>Implementations must be safe for concurrent use, must enforce the pixel budget themselves, and must throw only
/// <see cref="InputDecodeException"/> or <see cref="InputTooLargeException"/> for bad input.</para>
/// </remarks>
public interface IImageDecoder
{
    /// <summary>Decodes the first frame of an image.</summary>
    /// <param name="encoded">The whole encoded file.</param>
    /// <returns>The pixels, in a pooled buffer the caller disposes.</returns>
    /// <exception cref="InputDecodeException">The bytes are empty, not an image in a supported format, corrupt or truncated.</exception>
    /// <exception cref="InputTooLargeException">The header claims more pixels than the configured budget; nothing was decoded.</exception>
    RgbImage Decode(ReadOnlySpan<byte> encoded);
}

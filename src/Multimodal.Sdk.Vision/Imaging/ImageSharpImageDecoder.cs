using System.Globalization;
using System.Runtime.InteropServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Multimodal.Sdk;

/// <summary>
/// <see cref="IImageDecoder"/> on ImageSharp 2.1 with a private <see cref="Configuration"/> that knows only JPEG, PNG,
/// WebP, BMP and GIF (the attack surface of TIFF, TGA and PBM decoders is not reachable), decodes the first frame of animated GIFs and WebPs
/// only, and caps every buffer the decoders allocate. The header is read first: an image claiming more pixels than
/// the budget is refused before a single pixel buffer exists.
/// </summary>
/// <remarks>Immutable after construction and safe for concurrent use.</remarks>
internal sealed class ImageSharpImageDecoder : IImageDecoder
{
    private readonly Configuration _configuration;

    /// <summary>Creates a decoder refusing images whose header claims more than <paramref name="maxPixels"/> pixels.</summary>
    public ImageSharpImageDecoder(long maxPixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPixels);
        MaxPixels = maxPixels;
        _configuration = CreateConfiguration(maxPixels);
    }

    public ImageSharpImageDecoder(MultimodalOptions options)
        : this((options ?? throw new ArgumentNullException(nameof(options))).MaxImagePixels)
    {
    }

    public long MaxPixels { get; }

    public RgbImage Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.IsEmpty)
        {
            throw new InputDecodeException("The image is empty (0 bytes).");
        }

        if (WebpAnimation.IsAnimated(encoded))
        {
            return DecodeAnimatedWebp(encoded);
        }

        unsafe
        {
            fixed (byte* pointer = encoded)
            {
                using var stream = new UnmanagedMemoryStream(pointer, encoded.Length);
                return Decode(stream, encoded);
            }
        }
    }

    // ImageSharp 2.1 refuses animated WebP; models see one picture, so take the first frame as for GIFs.
    private RgbImage DecodeAnimatedWebp(ReadOnlySpan<byte> encoded)
    {
        var frame = WebpAnimation.ExtractFirstFrame(encoded);
        long canvasPixels = (long)frame.CanvasWidth * frame.CanvasHeight;
        if (canvasPixels > MaxPixels)
        {
            throw new InputTooLargeException(
                string.Create(CultureInfo.InvariantCulture, $"The animated WebP image claims {frame.CanvasWidth} x {frame.CanvasHeight} = {canvasPixels} pixels, more than the budget of {MaxPixels} (MultimodalOptions.MaxImagePixels)."),
                canvasPixels,
                MaxPixels);
        }

        if (frame.X + frame.Width > frame.CanvasWidth || frame.Y + frame.Height > frame.CanvasHeight)
        {
            throw new InputDecodeException($"The animated WebP image's first frame ({frame.Width} x {frame.Height} at {frame.X}, {frame.Y}) does not fit its {frame.CanvasWidth} x {frame.CanvasHeight} canvas.");
        }

        var still = Decode(frame.Still);
        if (still.Width != frame.Width || still.Height != frame.Height)
        {
            still.Dispose();
            throw new InputDecodeException($"The animated WebP image's first frame header says {frame.Width} x {frame.Height} but its bitstream is {still.Width} x {still.Height}.");
        }

        if (frame.CoversCanvas)
        {
            return still;
        }

        // A first frame smaller than the canvas sits on a transparent canvas: black once alpha is dropped, as
        // ImageSharp's RGBA to RGB conversion gives for transparent pixels.
        using (still)
        {
            var canvas = new RgbImage(frame.CanvasWidth, frame.CanvasHeight);
            canvas.Pixels.Clear();
            int row = frame.Width * 3;
            for (int y = 0; y < frame.Height; y++)
            {
                still.Pixels.Slice(y * row, row).CopyTo(canvas.Pixels.Slice((((frame.Y + y) * frame.CanvasWidth) + frame.X) * 3, row));
            }

            return canvas;
        }
    }

    private static Configuration CreateConfiguration(long maxPixels)
    {
        var configuration = new Configuration(
            new JpegConfigurationModule(),
            new PngConfigurationModule(),
            new WebpConfigurationModule(),
            new BmpConfigurationModule(),
            new GifConfigurationModule());

        // Models see one picture; decoding the other frames of an animation is wasted memory and time.
        configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First });

        // The largest buffer a decoder legitimately needs is one frame at 8 bytes per pixel (PNG's 16-bit RGBA);
        // anything beyond is a malformed file asking for memory it has no pixels for.
        long limitMegabytes = Math.Clamp(((maxPixels * 8) >> 20) + 16, 16, int.MaxValue);
        configuration.MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions
        {
            MaximumPoolSizeMegabytes = 64,
            AllocationLimitMegabytes = (int)limitMegabytes,
        });
        configuration.PreferContiguousImageBuffers = true;
        return configuration;
    }

    private RgbImage Decode(Stream stream, ReadOnlySpan<byte> encoded)
    {
        int length = encoded.Length;
        IImageInfo? info;
        SixLabors.ImageSharp.Formats.IImageFormat? format;
        try
        {
            info = Image.Identify(_configuration, stream, out format);
        }
        catch (Exception ex) when (IsDecoderFailure(ex))
        {
            throw new InputDecodeException($"The image header could not be read ({length} bytes): {Describe(ex)}", ex);
        }

        if (info is null || format is null)
        {
            throw new InputDecodeException($"The {length} bytes are not an image in a supported format (JPEG, PNG, WebP, BMP, GIF).");
        }

        if (info.Width <= 0 || info.Height <= 0)
        {
            throw new InputDecodeException($"The {format.Name} image has an empty size ({info.Width} x {info.Height}).");
        }

        long pixels = (long)info.Width * info.Height;
        if (pixels > MaxPixels)
        {
            throw new InputTooLargeException(
                string.Create(CultureInfo.InvariantCulture, $"The {format.Name} image claims {info.Width} x {info.Height} = {pixels} pixels, more than the budget of {MaxPixels} (MultimodalOptions.MaxImagePixels)."),
                pixels,
                MaxPixels);
        }

        if (ContainerIntegrity.FindTruncation(encoded, format.Name) is { } truncation)
        {
            throw new InputDecodeException($"The {format.Name} image ({info.Width} x {info.Height}, {length} bytes) is truncated: {truncation}.");
        }

        stream.Position = 0;
        try
        {
            using var image = Image.Load<Rgb24>(_configuration, stream);
            if (HasOrientation(image.Metadata))
            {
                image.Mutate(x => x.AutoOrient());
            }

            var result = new RgbImage(image.Width, image.Height);
            try
            {
                image.CopyPixelDataTo(MemoryMarshal.Cast<byte, Rgb24>(result.Pixels));
                return result;
            }
            catch
            {
                result.Dispose();
                throw;
            }
        }
        catch (InvalidMemoryOperationException ex)
        {
            throw new InputTooLargeException($"Decoding the {format.Name} image ({info.Width} x {info.Height}) needed more memory than its size allows: {ex.Message}", pixels, MaxPixels);
        }
        catch (Exception ex) when (IsDecoderFailure(ex))
        {
            throw new InputDecodeException($"The {format.Name} image ({info.Width} x {info.Height}, {length} bytes) is corrupt or truncated: {Describe(ex)}", ex);
        }
    }

    // ImageSharp's own format errors describe the file; anything else (a NullReferenceException or DivideByZeroException
    // deep in a decoder fed crafted bytes) describes the decoder, which means nothing to the user: the inner exception
    // keeps it for whoever debugs.
    private static string Describe(Exception ex) =>
        ex is ImageFormatException or NotSupportedException or EndOfStreamException ? ex.Message.TrimEnd('.') : "the decoder could not make sense of its data";

    private static bool HasOrientation(ImageMetadata metadata) =>
        metadata.ExifProfile?.GetValue(SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifTag.Orientation) is { } orientation && orientation.Value is not 0 and not 1;

    // A decoder fed crafted bytes can fail with almost anything (ImageFormatException, but also index, argument,
    // overflow or end-of-stream errors from deep inside); all of them mean "this input is bad". Only failures of the
    // process itself pass through.
    private static bool IsDecoderFailure(Exception ex) =>
        ex is not (OutOfMemoryException or StackOverflowException or ThreadAbortException or OperationCanceledException or InputTooLargeException);
}

namespace Multimodal.Sdk;

/// <summary>Convenience overloads for <see cref="IImageCaptioner"/>.</summary>
public static class ImageCaptionerExtensions
{
    /// <summary>Captions one image.</summary>
    /// <param name="captioner">The captioner.</param>
    /// <param name="image">The image.</param>
    /// <param name="options">Decoding settings; <see langword="null"/> takes the model's defaults.</param>
    /// <param name="cancellationToken">Checked between decoding steps.</param>
    /// <returns>The captions of the image, best first.</returns>
    public static async Task<CaptionResult> CaptionAsync(this IImageCaptioner captioner, ImageData image, CaptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(captioner);
        ArgumentNullException.ThrowIfNull(image);
        return (await captioner.CaptionAsync([image], options, cancellationToken).ConfigureAwait(false))[0];
    }
}

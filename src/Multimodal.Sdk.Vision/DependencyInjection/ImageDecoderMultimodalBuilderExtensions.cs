using Microsoft.Extensions.DependencyInjection.Extensions;
using Multimodal.Sdk;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Replaces the image decoder every vision pipeline of the container uses.</summary>
public static class ImageDecoderMultimodalBuilderExtensions
{
    /// <summary>
    /// Makes every vision pipeline registered on this builder (CLIP, captioning, VQA, vision chat) decode images with
    /// <paramref name="decoder"/> instead of the built-in ImageSharp decoder.
    /// </summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="decoder">The decoder; it must be safe for concurrent use and enforce the pixel budget itself.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IMultimodalBuilder UseImageDecoder(this IMultimodalBuilder builder, IImageDecoder decoder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(decoder);
        builder.Services.Replace(ServiceDescriptor.Singleton(decoder));
        return builder;
    }

    /// <summary>Makes every vision pipeline decode images with a decoder the container creates (it may take services, such as options).</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="factory">Creates the decoder once.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IMultimodalBuilder UseImageDecoder(this IMultimodalBuilder builder, Func<IServiceProvider, IImageDecoder> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.Replace(ServiceDescriptor.Singleton(factory));
        return builder;
    }
}

using Microsoft.Extensions.DependencyInjection;

namespace Multimodal.Sdk;

/// <summary>Finds the decoder an application registered with <c>UseImageDecoder</c>; none means the built-in ImageSharp one.</summary>
internal static class ImageDecoderRegistration
{
    public static IImageDecoder? Resolve(OnnxSessionFactory factory) => factory.Services?.GetService<IImageDecoder>();
}

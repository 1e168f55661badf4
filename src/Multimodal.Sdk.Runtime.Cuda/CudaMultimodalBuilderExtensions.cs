using Microsoft.Extensions.DependencyInjection.Extensions;
using Multimodal.Sdk;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the CUDA build of ONNX Runtime for every pipeline.</summary>
public static class CudaMultimodalBuilderExtensions
{
    /// <summary>Runs every pipeline on an NVIDIA GPU. The last <c>Use...</c> call wins.</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="deviceId">The CUDA device ordinal.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="deviceId"/> is negative.</exception>
    public static IMultimodalBuilder UseCuda(this IMultimodalBuilder builder, int deviceId = 0)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfNegative(deviceId);
        builder.Services.RemoveAll<IOnnxExecutionProvider>();
        builder.Services.AddSingleton<IOnnxExecutionProvider>(new CudaExecutionProvider(deviceId));
        return builder;
    }
}

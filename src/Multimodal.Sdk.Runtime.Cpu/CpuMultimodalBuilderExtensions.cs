using Microsoft.Extensions.DependencyInjection.Extensions;
using Multimodal.Sdk;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the CPU build of ONNX Runtime for every pipeline.</summary>
public static class CpuMultimodalBuilderExtensions
{
    /// <summary>Runs every pipeline on the CPU. The last <c>Use...</c> call wins.</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <returns>The builder.</returns>
    public static IMultimodalBuilder UseCpu(this IMultimodalBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.RemoveAll<IOnnxExecutionProvider>();
        builder.Services.AddSingleton<IOnnxExecutionProvider, CpuExecutionProvider>();
        return builder;
    }
}

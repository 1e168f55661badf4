using Microsoft.ML.OnnxRuntime;

namespace Multimodal.Sdk;

/// <summary>Runs graphs on the CPU with ONNX Runtime's default provider.</summary>
/// <remarks>Stateless; safe for concurrent use.</remarks>
internal sealed class CpuExecutionProvider : IOnnxExecutionProvider
{
    public string Name => "CPU";

    // ONNX Runtime always has the CPU provider; nothing to append. Referencing this package is what brings the native library.
    public void Configure(SessionOptions options)
    {
    }
}

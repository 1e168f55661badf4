using Microsoft.ML.OnnxRuntime;

namespace Multimodal.Sdk;

/// <summary>Runs graphs on one NVIDIA GPU with ONNX Runtime's CUDA provider; nodes CUDA lacks fall back to the CPU.</summary>
/// <remarks>Stateless; safe for concurrent use.</remarks>
internal sealed class CudaExecutionProvider(int deviceId) : IOnnxExecutionProvider
{
    public string Name => $"CUDA:{deviceId}";

    public void Configure(SessionOptions options)
    {
        try
        {
            options.AppendExecutionProvider_CUDA(deviceId);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new MultimodalException(
                $"The CUDA execution provider could not start on device {deviceId}: {ex.Message}. It needs an NVIDIA driver, CUDA 12 and cuDNN 9 libraries on the library path; use UseCpu() on machines without them.",
                ex);
        }
    }
}

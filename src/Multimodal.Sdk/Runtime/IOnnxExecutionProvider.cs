using Microsoft.ML.OnnxRuntime;

namespace Multimodal.Sdk;

/// <summary>
/// Chooses where ONNX Runtime runs graphs. The Runtime packages register one (<c>UseCpu()</c>, <c>UseCuda(deviceId)</c>);
/// implement it to plug in another execution provider.
/// </summary>
/// <remarks>Implementations must be safe for concurrent use: every session of the application is configured through them.</remarks>
public interface IOnnxExecutionProvider
{
    /// <summary>Gets a short name for logs and benchmark tables ("CPU", "CUDA:0").</summary>
    string Name { get; }

    /// <summary>Appends the provider to the options of a session about to be created.</summary>
    /// <param name="options">The session options, already holding the thread and optimization settings.</param>
    /// <exception cref="MultimodalException">The provider's native libraries are not available on this machine.</exception>
    void Configure(SessionOptions options);
}

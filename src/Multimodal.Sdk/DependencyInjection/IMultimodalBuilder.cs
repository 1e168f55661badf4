using Microsoft.Extensions.DependencyInjection;

namespace Multimodal.Sdk;

/// <summary>
/// Returned by <c>services.AddMultimodal(...)</c>: capability packages add their pipelines to it
/// (<c>.AddClip("name", path)</c>, <c>.AddSpeechRecognizer(path)</c>) and Runtime packages choose where graphs run
/// (<c>.UseCpu()</c>, <c>.UseCuda(0)</c>).
/// </summary>
public interface IMultimodalBuilder
{
    /// <summary>Gets the service collection the builder adds to.</summary>
    IServiceCollection Services { get; }
}

using Microsoft.Extensions.DependencyInjection;

namespace Multimodal.Sdk;

internal sealed class MultimodalBuilder(IServiceCollection services) : IMultimodalBuilder
{
    public IServiceCollection Services { get; } = services;
}

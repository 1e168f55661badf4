using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Multimodal.Sdk;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Multimodal.Sdk in a service collection.</summary>
public static class MultimodalServiceCollectionExtensions
{
    /// <summary>
    /// Adds the SDK's shared services (options, session factory) and returns a builder on which capability
    /// packages add pipelines and a Runtime package chooses the execution provider.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets <see cref="MultimodalOptions"/> in code.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IMultimodalBuilder AddMultimodal(this IServiceCollection services, Action<MultimodalOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        PipelineRegistration.AddCore(services);
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return new MultimodalBuilder(services);
    }

    /// <summary>
    /// Adds the SDK's shared services with <see cref="MultimodalOptions"/> bound from a configuration section, and
    /// <see cref="HuggingFaceHubOptions"/> from its <c>Hub</c> subsection.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">A section such as <c>configuration.GetSection("Multimodal")</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IMultimodalBuilder AddMultimodal(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        PipelineRegistration.AddCore(services);
        services.Configure<MultimodalOptions>(configuration);
        services.Configure<HuggingFaceHubOptions>(configuration.GetSection("Hub"));
        return new MultimodalBuilder(services);
    }

    /// <summary>
    /// Sets where repository ids given as model paths (<c>AddClip("Xenova/clip-vit-base-patch32")</c>) are downloaded from and
    /// cached (<see cref="HuggingFaceHubOptions"/>; by default from <c>HF_ENDPOINT</c>, <c>HF_TOKEN</c>, <c>HF_HOME</c>, <c>HF_HUB_OFFLINE</c>).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the hub's options.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IMultimodalBuilder ConfigureHub(this IMultimodalBuilder builder, Action<HuggingFaceHubOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// Loads every registered pipeline and runs one dummy inference when the host starts, so the first request
    /// is as fast as the rest. Host start waits for it.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IMultimodalBuilder AddHostedWarmup(this IMultimodalBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MultimodalWarmupService>());
        return builder;
    }
}

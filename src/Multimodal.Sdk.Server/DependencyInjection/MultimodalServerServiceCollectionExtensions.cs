using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Multimodal.Sdk;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers what the endpoints of <c>MapMultimodal()</c> need: options, the request gate (keys, limits, readiness) and the background warm-up.</summary>
public static class MultimodalServerServiceCollectionExtensions
{
    /// <summary>Adds the multimodal server's services with options set in code.</summary>
    /// <param name="services">The service collection; the pipelines to serve are registered on it with <c>AddMultimodal()</c>.</param>
    /// <param name="configure">Sets <see cref="MultimodalServerOptions"/>.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddMultimodalServer(this IServiceCollection services, Action<MultimodalServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        AddCore(services);
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return services;
    }

    /// <summary>Adds the multimodal server's services with <see cref="MultimodalServerOptions"/> bound from a configuration section.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">A section such as <c>configuration.GetSection("Server")</c>.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IServiceCollection AddMultimodalServer(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        AddCore(services);
        services.Configure<MultimodalServerOptions>(configuration);
        return services;
    }

    private static void AddCore(IServiceCollection services)
    {
        services.AddOptions<MultimodalServerOptions>();
        services.TryAddSingleton<ServerReadiness>();
        services.TryAddSingleton<ServerGate>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ServerWarmupService>());
        services.AddHttpClient(nameof(DataUri));
    }
}

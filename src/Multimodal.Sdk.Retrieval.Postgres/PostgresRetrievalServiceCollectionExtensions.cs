using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Multimodal.Sdk;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a <see cref="PostgresRetrievalStore"/> as the <see cref="IRetrievalStore"/> of a service collection.</summary>
public static class PostgresRetrievalServiceCollectionExtensions
{
    /// <summary>
    /// Adds a singleton <see cref="PostgresRetrievalStore"/>, also as <see cref="IRetrievalStore"/>, built from
    /// <see cref="PostgresRetrievalStoreOptions"/> (set here, or bound with
    /// <c>services.Configure&lt;PostgresRetrievalStoreOptions&gt;(config.GetSection(...))</c>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options in code (at least the connection string).</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddPostgresRetrievalStore(this IServiceCollection services, Action<PostgresRetrievalStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<PostgresRetrievalStoreOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(sp => new PostgresRetrievalStore(sp.GetRequiredService<IOptions<PostgresRetrievalStoreOptions>>().Value));
        services.TryAddSingleton<IRetrievalStore>(sp => sp.GetRequiredService<PostgresRetrievalStore>());
        return services;
    }

    /// <summary>Adds the store with its options bound from a configuration section.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">A section such as <c>configuration.GetSection("Retrieval:Postgres")</c>.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IServiceCollection AddPostgresRetrievalStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.Configure<PostgresRetrievalStoreOptions>(configuration);
        return services.AddPostgresRetrievalStore();
    }

    /// <summary>Adds the store over a connection string or <c>postgres://</c> URI, with the other options at their defaults.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="connectionString">An Npgsql connection string or a <c>postgres://user:password@host:port/database</c> URI.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty.</exception>
    public static IServiceCollection AddPostgresRetrievalStore(this IServiceCollection services, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return services.AddPostgresRetrievalStore(o => o.ConnectionString = connectionString);
    }
}

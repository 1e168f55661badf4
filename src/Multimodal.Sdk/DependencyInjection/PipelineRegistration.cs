using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Multimodal.Sdk;

/// <summary>
/// Registers a pipeline on the builder the way every capability package does: a singleton, keyed when a name
/// is given (several models side by side), and known to the hosted warm-up.
/// </summary>
internal static class PipelineRegistration
{
    public static IMultimodalBuilder AddPipeline<TService>(this IMultimodalBuilder builder, string? name, Func<IServiceProvider, TService> factory)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        if (name is null)
        {
            builder.Services.AddSingleton(factory);
            builder.Services.AddSingleton(new WarmupTarget(typeof(TService), null, sp => sp.GetRequiredService<TService>()));
        }
        else
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name);
            builder.Services.AddKeyedSingleton(name, (sp, _) => factory(sp));
            builder.Services.AddSingleton(new WarmupTarget(typeof(TService), name, sp => sp.GetRequiredKeyedService<TService>(name)));
        }

        return builder;
    }

    /// <summary>Gets the session factory a pipeline registered in DI uses.</summary>
    public static OnnxSessionFactory GetSessionFactory(this IServiceProvider services) => services.GetRequiredService<OnnxSessionFactory>();

    internal static void AddCore(IServiceCollection services)
    {
        services.AddOptions<MultimodalOptions>();
        services.TryAddSingleton(sp => new OnnxSessionFactory(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<MultimodalOptions>>(), sp.GetServices<IOnnxExecutionProvider>()) { Services = sp });
    }
}

/// <summary>One registered pipeline that the hosted warm-up resolves and warms.</summary>
internal sealed record WarmupTarget(Type ServiceType, string? Name, Func<IServiceProvider, object> Resolve);

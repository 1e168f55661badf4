using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Multimodal.Sdk;

/// <summary>
/// Registers a pipeline on the builder the way every capability package does: a singleton, keyed when a name
/// is given (several models side by side), wrapped in the middleware added with <c>Use</c>, and known to the
/// hosted warm-up.
/// </summary>
internal static class PipelineRegistration
{
    public static MultimodalPipelineBuilder<TService> AddPipeline<TService>(this IMultimodalBuilder builder, string? name, Func<IServiceProvider, TService> factory, string? modelPath = null)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        if (name is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name);
        }

        var pipeline = new MultimodalPipelineBuilder<TService>(builder.Services, name, modelPath);
        if (name is null)
        {
            builder.Services.AddSingleton(sp => pipeline.Build(factory(sp), sp));
            builder.Services.AddSingleton(new WarmupTarget(typeof(TService), null, sp => sp.GetRequiredService<TService>()));
        }
        else
        {
            builder.Services.AddKeyedSingleton(name, (sp, _) => pipeline.Build(factory(sp), sp));
            builder.Services.AddSingleton(new WarmupTarget(typeof(TService), name, sp => sp.GetRequiredKeyedService<TService>(name)));
        }

        return pipeline;
    }

    /// <summary>Makes a pipeline registered some other way (an M.E.AI client builder) known to the hosted warm-up.</summary>
    public static void AddWarmupTarget<TService>(this IMultimodalBuilder builder, string? name)
        where TService : class =>
        builder.Services.AddSingleton(new WarmupTarget(typeof(TService), name, sp => name is null ? sp.GetRequiredService<TService>() : sp.GetRequiredKeyedService<TService>(name)));

    /// <summary>Gets the session factory a pipeline registered in DI uses.</summary>
    public static OnnxSessionFactory GetSessionFactory(this IServiceProvider services) => services.GetRequiredService<OnnxSessionFactory>();

    /// <summary>Gets the container's cache of loaded models, which pipelines over the same folder share.</summary>
    public static LoadedModelCache GetModelCache(this IServiceProvider services) => services.GetRequiredService<LoadedModelCache>();

    /// <summary>
    /// Finds the warm-up of a pipeline through any middleware around it: every pipeline interface offers
    /// <c>GetService</c>, and <c>Delegating*</c> bases pass the question inwards.
    /// </summary>
    public static IWarmable? FindWarmable(object pipeline) => pipeline switch
    {
        IWarmable warmable => warmable,
        IClipEncoder p => p.GetService(typeof(IWarmable)) as IWarmable,
        IImageCaptioner p => p.GetService(typeof(IWarmable)) as IWarmable,
        IVisualQa p => p.GetService(typeof(IWarmable)) as IWarmable,
        ISpeechRecognizer p => p.GetService(typeof(IWarmable)) as IWarmable,
        IVoiceActivityDetector p => p.GetService(typeof(IWarmable)) as IWarmable,
        IChatClient p => p.GetService(typeof(IWarmable)) as IWarmable,
        _ => null,
    };

    internal static void AddCore(IServiceCollection services)
    {
        services.AddOptions<MultimodalOptions>();
        services.TryAddSingleton(sp => new OnnxSessionFactory(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<MultimodalOptions>>(), sp.GetServices<IOnnxExecutionProvider>()) { Services = sp });
        services.TryAddSingleton<LoadedModelCache>();
        services.AddOptions<HuggingFaceHubOptions>();
        services.TryAddSingleton(sp => new HuggingFaceHub(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<HuggingFaceHubOptions>>().Value));
    }
}

/// <summary>One registered pipeline that the hosted warm-up resolves and warms.</summary>
internal sealed record WarmupTarget(Type ServiceType, string? Name, Func<IServiceProvider, object> Resolve);

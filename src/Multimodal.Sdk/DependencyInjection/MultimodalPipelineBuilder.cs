using Microsoft.Extensions.DependencyInjection;

namespace Multimodal.Sdk;

/// <summary>
/// Returned by each <c>Add&lt;Pipeline&gt;</c> call (<c>AddClip</c>, <c>AddSpeechRecognizer</c>, ...): wraps the registered
/// pipeline in middleware with <see cref="Use(Func{TService, IServiceProvider, TService})"/>, as Microsoft.Extensions.AI's
/// <c>ChatClientBuilder</c> does, and is itself an <see cref="IMultimodalBuilder"/>, so the next pipeline is added
/// in the same chain (<c>.AddClip(path).UseLogging().AddImageCaptioner(path)</c>).
/// </summary>
/// <typeparam name="TService">The pipeline interface registered, such as <see cref="IClipEncoder"/>.</typeparam>
/// <remarks>
/// The first <c>Use</c> is the outermost layer: a call goes through the middleware in the order it was added, then to
/// the pipeline. The chain is built once, when the service is first resolved. Not safe for concurrent use while the
/// service collection is being built, like the collection itself.
/// </remarks>
public sealed class MultimodalPipelineBuilder<TService> : IMultimodalBuilder
    where TService : class
{
    private readonly List<Func<TService, IServiceProvider, TService>> _middleware = [];

    internal MultimodalPipelineBuilder(IServiceCollection services, string? name, string? modelPath)
    {
        Services = services;
        Name = name;
        ModelPath = modelPath;
    }

    /// <inheritdoc/>
    public IServiceCollection Services { get; }

    /// <summary>Gets the service key the pipeline is registered under, or <see langword="null"/> for the default registration.</summary>
    public string? Name { get; }

    /// <summary>Gets the model folder (or file) of the registered pipeline, used as the model name in telemetry.</summary>
    internal string? ModelPath { get; }

    /// <summary>Gets the model's name for telemetry: the last part of the model path.</summary>
    internal string? ModelId => ModelPath is null ? null : Path.GetFileName(ModelPath.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));

    /// <summary>Adds middleware around the pipeline.</summary>
    /// <param name="pipeline">Wraps the pipeline built so far (inner layers) and returns the wrapper.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pipeline"/> is <see langword="null"/>.</exception>
    public MultimodalPipelineBuilder<TService> Use(Func<TService, TService> pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return Use((inner, _) => pipeline(inner));
    }

    /// <summary>Adds middleware around the pipeline that needs services from the container (a logger factory, options).</summary>
    /// <param name="pipeline">Wraps the pipeline built so far (inner layers) and returns the wrapper.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pipeline"/> is <see langword="null"/>.</exception>
    public MultimodalPipelineBuilder<TService> Use(Func<TService, IServiceProvider, TService> pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _middleware.Add(pipeline);
        return this;
    }

    /// <summary>Wraps the inner pipeline in the middleware, the last added innermost.</summary>
    /// <exception cref="InvalidOperationException">A middleware factory returned <see langword="null"/>.</exception>
    internal TService Build(TService inner, IServiceProvider services)
    {
        var pipeline = inner;
        for (int i = _middleware.Count - 1; i >= 0; i--)
        {
            pipeline = _middleware[i](pipeline, services)
                ?? throw new InvalidOperationException($"Middleware {i} added with Use on the {typeof(TService).Name} pipeline returned null; it must return a {typeof(TService).Name}.");
        }

        return pipeline;
    }
}

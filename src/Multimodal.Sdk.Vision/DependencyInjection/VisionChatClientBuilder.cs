using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Multimodal.Sdk;

/// <summary>
/// Returned by <c>AddVisionChat</c>: the vision chat client is registered through Microsoft.Extensions.AI's own
/// <see cref="ChatClientBuilder"/> (<see cref="ChatClient"/>), so any M.E.AI middleware wraps it
/// (<c>.ChatClient.UseFunctionInvocation()</c>, <c>.UseDistributedCache()</c>), and the builder is itself an
/// <see cref="IMultimodalBuilder"/>, so the next pipeline is added in the same chain.
/// </summary>
/// <remarks>As in M.E.AI, the first <c>Use</c> is the outermost layer. Not safe for concurrent use while the service collection is built.</remarks>
public sealed class VisionChatClientBuilder : IMultimodalBuilder
{
    internal VisionChatClientBuilder(IServiceCollection services, ChatClientBuilder chatClient)
    {
        Services = services;
        ChatClient = chatClient;
    }

    /// <inheritdoc/>
    public IServiceCollection Services { get; }

    /// <summary>Gets M.E.AI's builder of the registered <see cref="IChatClient"/>: every M.E.AI <c>Use...</c> extension applies to it.</summary>
    public ChatClientBuilder ChatClient { get; }

    /// <summary>Adds middleware around the chat client.</summary>
    /// <param name="pipeline">Wraps the client built so far and returns the wrapper.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pipeline"/> is <see langword="null"/>.</exception>
    public VisionChatClientBuilder Use(Func<IChatClient, IChatClient> pipeline)
    {
        ChatClient.Use(pipeline);
        return this;
    }

    /// <summary>Adds middleware around the chat client that needs services from the container.</summary>
    /// <param name="pipeline">Wraps the client built so far and returns the wrapper.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pipeline"/> is <see langword="null"/>.</exception>
    public VisionChatClientBuilder Use(Func<IChatClient, IServiceProvider, IChatClient> pipeline)
    {
        ChatClient.Use(pipeline);
        return this;
    }

    /// <summary>Adds M.E.AI's <see cref="LoggingChatClient"/>.</summary>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> resolves one from the container.</param>
    /// <param name="configure">Configures the logging client.</param>
    /// <returns>This builder.</returns>
    public VisionChatClientBuilder UseLogging(ILoggerFactory? loggerFactory = null, Action<LoggingChatClient>? configure = null)
    {
        ChatClient.UseLogging(loggerFactory, configure);
        return this;
    }

    /// <summary>
    /// Adds M.E.AI's <see cref="OpenTelemetryChatClient"/> (spans <c>chat {model}</c>, <c>gen_ai.client.operation.duration</c>,
    /// <c>gen_ai.client.token.usage</c>), with the activity source and meter named <paramref name="sourceName"/>.
    /// </summary>
    /// <param name="sourceName">The activity source and meter name; <see langword="null"/> for <c>Multimodal.Sdk</c>, as the other pipelines.</param>
    /// <param name="configure">Configures the telemetry client.</param>
    /// <returns>This builder.</returns>
    public VisionChatClientBuilder UseOpenTelemetry(string? sourceName = null, Action<OpenTelemetryChatClient>? configure = null)
    {
        ChatClient.UseOpenTelemetry(sourceName: sourceName ?? PipelineTelemetry.DefaultSourceName, configure: configure);
        return this;
    }
}

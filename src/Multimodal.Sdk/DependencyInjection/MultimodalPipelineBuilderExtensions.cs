using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Multimodal.Sdk;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// <c>UseLogging()</c> and <c>UseOpenTelemetry()</c> for every pipeline a <c>Add&lt;Pipeline&gt;</c> call registers, as
/// Microsoft.Extensions.AI's <c>ChatClientBuilder</c> has them: <c>.AddClip(path).UseLogging().UseOpenTelemetry()</c>.
/// </summary>
public static class MultimodalPipelineBuilderExtensions
{
    /// <summary>Logs the calls of the CLIP encoder (<see cref="LoggingClipEncoder"/>): sizes and timings at Debug, streamed items at Trace, failures at Error; never content.</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> resolves one from the container (no logging when there is none).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static MultimodalPipelineBuilder<IClipEncoder> UseLogging(this MultimodalPipelineBuilder<IClipEncoder> builder, ILoggerFactory? loggerFactory = null) =>
        UseLogging(builder, loggerFactory, typeof(LoggingClipEncoder), (inner, logger) => new LoggingClipEncoder(inner, logger));

    /// <summary>
    /// Traces and measures the calls of the CLIP encoder (<see cref="OpenTelemetryClipEncoder"/>) with an activity source and meter named
    /// <paramref name="sourceName"/>: spans and metrics after the OpenTelemetry GenAI conventions, the model folder's name as
    /// <c>gen_ai.request.model</c>.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="sourceName">The activity source and meter name; <see langword="null"/> for <c>Multimodal.Sdk</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static MultimodalPipelineBuilder<IClipEncoder> UseOpenTelemetry(this MultimodalPipelineBuilder<IClipEncoder> builder, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        string? modelId = builder.ModelId;
        return builder.Use(inner => new OpenTelemetryClipEncoder(inner, sourceName, modelId));
    }

    /// <summary>Logs the calls of the image captioner (<see cref="LoggingImageCaptioner"/>): sizes and timings at Debug, streamed items at Trace, failures at Error; never content.</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> resolves one from the container (no logging when there is none).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static MultimodalPipelineBuilder<IImageCaptioner> UseLogging(this MultimodalPipelineBuilder<IImageCaptioner> builder, ILoggerFactory? loggerFactory = null) =>
        UseLogging(builder, loggerFactory, typeof(LoggingImageCaptioner), (inner, logger) => new LoggingImageCaptioner(inner, logger));

    /// <summary>
    /// Traces and measures the calls of the image captioner (<see cref="OpenTelemetryImageCaptioner"/>) with an activity source and meter named
    /// <paramref name="sourceName"/>: spans and metrics after the OpenTelemetry GenAI conventions, the model folder's name as
    /// <c>gen_ai.request.model</c>.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="sourceName">The activity source and meter name; <see langword="null"/> for <c>Multimodal.Sdk</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static MultimodalPipelineBuilder<IImageCaptioner> UseOpenTelemetry(this MultimodalPipelineBuilder<IImageCaptioner> builder, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        string? modelId = builder.ModelId;
        return builder.Use(inner => new OpenTelemetryImageCaptioner(inner, sourceName, modelId));
    }

    /// <summary>Logs the calls of the visual QA pipeline (<see cref="LoggingVisualQa"/>): sizes and timings at Debug, streamed items at Trace, failures at Error; never content.</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> resolves one from the container (no logging when there is none).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static MultimodalPipelineBuilder<IVisualQa> UseLogging(this MultimodalPipelineBuilder<IVisualQa> builder, ILoggerFactory? loggerFactory = null) =>
        UseLogging(builder, loggerFactory, typeof(LoggingVisualQa), (inner, logger) => new LoggingVisualQa(inner, logger));

    /// <summary>
    /// Traces and measures the calls of the visual QA pipeline (<see cref="OpenTelemetryVisualQa"/>) with an activity source and meter named
    /// <paramref name="sourceName"/>: spans and metrics after the OpenTelemetry GenAI conventions, the model folder's name as
    /// <c>gen_ai.request.model</c>.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="sourceName">The activity source and meter name; <see langword="null"/> for <c>Multimodal.Sdk</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static MultimodalPipelineBuilder<IVisualQa> UseOpenTelemetry(this MultimodalPipelineBuilder<IVisualQa> builder, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        string? modelId = builder.ModelId;
        return builder.Use(inner => new OpenTelemetryVisualQa(inner, sourceName, modelId));
    }

    /// <summary>Logs the calls of the speech recognizer (<see cref="LoggingSpeechRecognizer"/>): sizes and timings at Debug, streamed items at Trace, failures at Error; never content.</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> resolves one from the container (no logging when there is none).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static MultimodalPipelineBuilder<ISpeechRecognizer> UseLogging(this MultimodalPipelineBuilder<ISpeechRecognizer> builder, ILoggerFactory? loggerFactory = null) =>
        UseLogging(builder, loggerFactory, typeof(LoggingSpeechRecognizer), (inner, logger) => new LoggingSpeechRecognizer(inner, logger));

    /// <summary>
    /// Traces and measures the calls of the speech recognizer (<see cref="OpenTelemetrySpeechRecognizer"/>) with an activity source and meter named
    /// <paramref name="sourceName"/>: spans and metrics after the OpenTelemetry GenAI conventions, the model folder's name as
    /// <c>gen_ai.request.model</c>.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="sourceName">The activity source and meter name; <see langword="null"/> for <c>Multimodal.Sdk</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static MultimodalPipelineBuilder<ISpeechRecognizer> UseOpenTelemetry(this MultimodalPipelineBuilder<ISpeechRecognizer> builder, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        string? modelId = builder.ModelId;
        return builder.Use(inner => new OpenTelemetrySpeechRecognizer(inner, sourceName, modelId));
    }

    /// <summary>Logs the calls of the voice activity detector (<see cref="LoggingVoiceActivityDetector"/>): sizes and timings at Debug, streamed items at Trace, failures at Error; never content.</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> resolves one from the container (no logging when there is none).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static MultimodalPipelineBuilder<IVoiceActivityDetector> UseLogging(this MultimodalPipelineBuilder<IVoiceActivityDetector> builder, ILoggerFactory? loggerFactory = null) =>
        UseLogging(builder, loggerFactory, typeof(LoggingVoiceActivityDetector), (inner, logger) => new LoggingVoiceActivityDetector(inner, logger));

    /// <summary>
    /// Traces and measures the calls of the voice activity detector (<see cref="OpenTelemetryVoiceActivityDetector"/>) with an activity source and meter named
    /// <paramref name="sourceName"/>: spans and metrics after the OpenTelemetry GenAI conventions, the model folder's name as
    /// <c>gen_ai.request.model</c>.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="sourceName">The activity source and meter name; <see langword="null"/> for <c>Multimodal.Sdk</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static MultimodalPipelineBuilder<IVoiceActivityDetector> UseOpenTelemetry(this MultimodalPipelineBuilder<IVoiceActivityDetector> builder, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        string? modelId = builder.ModelId;
        return builder.Use(inner => new OpenTelemetryVoiceActivityDetector(inner, sourceName, modelId));
    }

    private static MultimodalPipelineBuilder<TService> UseLogging<TService>(MultimodalPipelineBuilder<TService> builder, ILoggerFactory? loggerFactory, Type category, Func<TService, ILogger, TService> wrap)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            var factory = loggerFactory ?? services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
            return factory == NullLoggerFactory.Instance ? inner : wrap(inner, factory.CreateLogger(category));
        });
    }
}

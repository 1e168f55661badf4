using Multimodal.Sdk;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds speech pipelines (recognition, voice activity detection) to the multimodal builder.</summary>
public static class SpeechMultimodalBuilderExtensions
{
    /// <summary>Adds a Whisper speech recognizer as the default <see cref="ISpeechRecognizer"/> (a singleton created on first use).</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="modelPath">The Whisper model folder.</param>
    /// <returns>The pipeline's builder: add middleware with <c>Use</c>, <c>UseLogging</c>, <c>UseOpenTelemetry</c>, or the next pipeline.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    public static MultimodalPipelineBuilder<ISpeechRecognizer> AddSpeechRecognizer(this IMultimodalBuilder builder, string modelPath) => AddSpeechRecognizer(builder, null, modelPath);

    /// <summary>Adds a Whisper speech recognizer registered under <paramref name="name"/> (a keyed service), so several models live side by side.</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="name">The service key, or <see langword="null"/> for the default registration.</param>
    /// <param name="modelPath">The Whisper model folder.</param>
    /// <returns>The pipeline's builder: add middleware with <c>Use</c>, <c>UseLogging</c>, <c>UseOpenTelemetry</c>, or the next pipeline.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    public static MultimodalPipelineBuilder<ISpeechRecognizer> AddSpeechRecognizer(this IMultimodalBuilder builder, string? name, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        return builder.AddPipeline<ISpeechRecognizer>(name, sp => new WhisperRecognizer(sp.GetSessionFactory(), modelPath), modelPath);
    }

    /// <summary>Adds a Silero VAD v5 detector as the default <see cref="IVoiceActivityDetector"/> (a singleton created on first use).</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="modelPath">The Silero VAD <c>.onnx</c> file or its folder.</param>
    /// <returns>The pipeline's builder: add middleware with <c>Use</c>, <c>UseLogging</c>, <c>UseOpenTelemetry</c>, or the next pipeline.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    public static MultimodalPipelineBuilder<IVoiceActivityDetector> AddVoiceActivityDetector(this IMultimodalBuilder builder, string modelPath) => AddVoiceActivityDetector(builder, null, modelPath);

    /// <summary>Adds a Silero VAD v5 detector registered under <paramref name="name"/> (a keyed service).</summary>
    /// <param name="builder">The builder from <c>AddMultimodal</c>.</param>
    /// <param name="name">The service key, or <see langword="null"/> for the default registration.</param>
    /// <param name="modelPath">The Silero VAD <c>.onnx</c> file or its folder.</param>
    /// <returns>The pipeline's builder: add middleware with <c>Use</c>, <c>UseLogging</c>, <c>UseOpenTelemetry</c>, or the next pipeline.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    public static MultimodalPipelineBuilder<IVoiceActivityDetector> AddVoiceActivityDetector(this IMultimodalBuilder builder, string? name, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        return builder.AddPipeline<IVoiceActivityDetector>(name, sp => new SileroVoiceActivityDetector(sp.GetSessionFactory(), modelPath), modelPath);
    }
}

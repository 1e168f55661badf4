namespace Multimodal.Sdk;

/// <summary>
/// Turns speech into text (Whisper-style encoder-decoder models): transcription or translation to English, language
/// detection, segment timestamps, audio of any length. Convenience overloads are in <see cref="SpeechRecognizerExtensions"/>.
/// </summary>
/// <remarks>Implementations are safe for concurrent use.</remarks>
public interface ISpeechRecognizer : IDisposable
{
    /// <summary>Transcribes (or translates) a whole clip: its text, language and segments.</summary>
    /// <param name="audio">Mono audio at any sample rate (resampled to the model's); at least one sample.</param>
    /// <param name="options">Language, task, timestamps and decoding settings; <see langword="null"/> for the defaults (language detected, transcription).</param>
    /// <param name="cancellationToken">Checked between windows and between decoding steps.</param>
    /// <returns>The text, the language and the segments.</returns>
    /// <exception cref="ArgumentException"><paramref name="audio"/> is empty, or the language or task is not one the model knows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A decoding option is out of range.</exception>
    /// <exception cref="MultimodalException">The model failed to run.</exception>
    Task<SpeechRecognitionResult> TranscribeAsync(AudioData audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Streams the segments of a clip as each window is decoded.</summary>
    /// <param name="audio">Mono audio at any sample rate (resampled to the model's); at least one sample.</param>
    /// <param name="options">Language, task, timestamps and decoding settings; <see langword="null"/> for the defaults (language detected, transcription).</param>
    /// <param name="cancellationToken">Checked between windows and between decoding steps.</param>
    /// <returns>The segments in time order.</returns>
    /// <exception cref="ArgumentException"><paramref name="audio"/> is empty, or the language or task is not one the model knows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A decoding option is out of range.</exception>
    /// <exception cref="MultimodalException">The model failed to run.</exception>
    IAsyncEnumerable<SpeechSegment> TranscribeStreamingAsync(AudioData audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Detects the spoken language from the first window of a clip.</summary>
    /// <param name="audio">Mono audio at any sample rate; at least one sample.</param>
    /// <param name="cancellationToken">Checked before the model runs.</param>
    /// <returns>The language probabilities and the no-speech probability.</returns>
    /// <exception cref="ArgumentException"><paramref name="audio"/> is empty.</exception>
    /// <exception cref="MultimodalException">The model failed to run.</exception>
    Task<LanguageDetectionResult> DetectLanguageAsync(AudioData audio, CancellationToken cancellationToken = default);

    /// <summary>Gets a service the recognizer offers.</summary>
    /// <param name="serviceType">The type asked for.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <returns>The service, or <see langword="null"/>.</returns>
    object? GetService(Type serviceType, object? serviceKey = null);
}

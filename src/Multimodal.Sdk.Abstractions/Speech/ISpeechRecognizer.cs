namespace Multimodal.Sdk;

/// <summary>
/// Turns speech into text (Whisper-style encoder-decoder models): transcription or translation to English, language
/// detection, segment timestamps, audio of any length, from decoded samples or read window by window from an encoded stream. Convenience overloads are in <see cref="SpeechRecognizerExtensions"/>.
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

    /// <summary>
    /// Transcribes (or translates) encoded audio read from a stream. Implementations read it window by window as they
    /// decode, so memory stays bounded by one window whatever the length.
    /// </summary>
    /// <param name="audio">Encoded audio (WAV, or what the implementation decodes); read forward from its current position, need not be seekable, never disposed.</param>
    /// <param name="options">Language, task, timestamps and decoding settings; <see langword="null"/> for the defaults (language detected, transcription).</param>
    /// <param name="cancellationToken">Checked between blocks of samples, windows and decoding steps.</param>
    /// <returns>The text, the language and the segments.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="audio"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The stream is not readable, or the language or task is not one the model knows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A decoding option is out of range.</exception>
    /// <exception cref="InputDecodeException">The stream is not audio in a supported format, is truncated, or holds no samples.</exception>
    /// <exception cref="MultimodalException">The model failed to run.</exception>
    Task<SpeechRecognitionResult> TranscribeAsync(Stream audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams the segments of encoded audio read from a stream as each window is decoded, reading only as far as the
    /// window being decoded.
    /// </summary>
    /// <param name="audio">Encoded audio (WAV, or what the implementation decodes); read forward from its current position, need not be seekable, never disposed.</param>
    /// <param name="options">Language, task, timestamps and decoding settings; <see langword="null"/> for the defaults (language detected, transcription).</param>
    /// <param name="cancellationToken">Checked between blocks of samples, windows and decoding steps.</param>
    /// <returns>The segments in time order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="audio"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The stream is not readable, or the language or task is not one the model knows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A decoding option is out of range.</exception>
    /// <exception cref="InputDecodeException">The stream is not audio in a supported format, is truncated (raised when reading reaches the early end), or holds no samples.</exception>
    /// <exception cref="MultimodalException">The model failed to run.</exception>
    IAsyncEnumerable<SpeechSegment> TranscribeStreamingAsync(Stream audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default);

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

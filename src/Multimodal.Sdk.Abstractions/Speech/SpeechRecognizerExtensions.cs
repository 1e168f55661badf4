namespace Multimodal.Sdk;

/// <summary>Convenience overloads for <see cref="ISpeechRecognizer"/>.</summary>
public static class SpeechRecognizerExtensions
{
    /// <summary>Transcribes a clip and returns only its text.</summary>
    /// <param name="recognizer">The recognizer.</param>
    /// <param name="audio">Mono audio at any sample rate; at least one sample.</param>
    /// <param name="options">Language, task and decoding settings; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Checked between windows and decoding steps.</param>
    /// <returns>The text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="recognizer"/> or <paramref name="audio"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="audio"/> is empty, or the language or task is not one the model knows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A decoding option is out of range.</exception>
    /// <exception cref="MultimodalException">The model failed to run.</exception>
    public static async Task<string> TranscribeTextAsync(this ISpeechRecognizer recognizer, AudioData audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recognizer);
        ArgumentNullException.ThrowIfNull(audio);
        return (await recognizer.TranscribeAsync(audio, options, cancellationToken).ConfigureAwait(false)).Text;
    }

    /// <summary>Transcribes (or translates) with the language and task given directly.</summary>
    /// <param name="recognizer">The recognizer.</param>
    /// <param name="audio">Mono audio at any sample rate; at least one sample.</param>
    /// <param name="language">The language code, or <see langword="null"/> to detect it.</param>
    /// <param name="task">Transcribe or translate to English.</param>
    /// <param name="cancellationToken">Checked between windows and decoding steps.</param>
    /// <returns>The text, the language and the segments.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="recognizer"/> or <paramref name="audio"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="audio"/> is empty, or the language or task is not one the model knows.</exception>
    /// <exception cref="MultimodalException">The model failed to run.</exception>
    public static Task<SpeechRecognitionResult> TranscribeAsync(this ISpeechRecognizer recognizer, AudioData audio, string? language, SpeechTask task = SpeechTask.Transcribe, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recognizer);
        ArgumentNullException.ThrowIfNull(audio);
        return recognizer.TranscribeAsync(audio, new SpeechRecognitionOptions { Language = language, Task = task }, cancellationToken);
    }
}

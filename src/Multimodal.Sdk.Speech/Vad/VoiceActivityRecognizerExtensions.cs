namespace Multimodal.Sdk;

/// <summary>VAD-driven transcription on any <see cref="ISpeechRecognizer"/>, without wrapping it (see <see cref="VoiceActivitySpeechRecognizer"/>).</summary>
public static class VoiceActivityRecognizerExtensions
{
    /// <summary>
    /// Transcribes only the speech of a clip: <paramref name="detector"/> finds the regions, they are packed into chunks
    /// no longer than <see cref="VoiceActivityTranscriptionOptions.MaxChunkDuration"/>, each chunk is decoded, and the
    /// segment times are mapped back to the whole clip.
    /// </summary>
    /// <param name="recognizer">The recognizer that decodes the chunks.</param>
    /// <param name="detector">The detector that finds the speech.</param>
    /// <param name="audio">Mono audio at any sample rate; at least one sample.</param>
    /// <param name="options">Language, task, timestamps and decoding settings for every chunk; <see langword="null"/> for the defaults.</param>
    /// <param name="voiceActivityOptions">Detection and chunking settings; <see langword="null"/> for the defaults (30 s chunks).</param>
    /// <param name="cancellationToken">Checked between model windows and decoding steps.</param>
    /// <returns>
    /// The text, the language (detected in the first chunk with text when not given; empty when nothing was said) and the
    /// segments, with times in the whole clip.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="recognizer"/>, <paramref name="detector"/> or <paramref name="audio"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="audio"/> is empty, or the language or task is not one the model knows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A detection, chunking or decoding option is out of range.</exception>
    /// <exception cref="MultimodalException">A model failed to run.</exception>
    public static Task<SpeechRecognitionResult> TranscribeWithVoiceActivityAsync(
        this ISpeechRecognizer recognizer, IVoiceActivityDetector detector, AudioData audio, SpeechRecognitionOptions? options = null, VoiceActivityTranscriptionOptions? voiceActivityOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recognizer);
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(audio);
        return VoiceActivityTranscriber.TranscribeAsync(recognizer, detector, audio, options, voiceActivityOptions, cancellationToken);
    }

    /// <summary>Streams the segments of the speech of a clip, chunk by chunk, as <see cref="TranscribeWithVoiceActivityAsync"/> finds them.</summary>
    /// <param name="recognizer">The recognizer that decodes the chunks.</param>
    /// <param name="detector">The detector that finds the speech.</param>
    /// <param name="audio">Mono audio at any sample rate; at least one sample.</param>
    /// <param name="options">Language, task, timestamps and decoding settings for every chunk; <see langword="null"/> for the defaults.</param>
    /// <param name="voiceActivityOptions">Detection and chunking settings; <see langword="null"/> for the defaults (30 s chunks).</param>
    /// <param name="cancellationToken">Checked between model windows and decoding steps.</param>
    /// <returns>The segments in time order, with times in the whole clip.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="recognizer"/>, <paramref name="detector"/> or <paramref name="audio"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="audio"/> is empty, or the language or task is not one the model knows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A detection, chunking or decoding option is out of range.</exception>
    /// <exception cref="MultimodalException">A model failed to run.</exception>
    public static IAsyncEnumerable<SpeechSegment> TranscribeStreamingWithVoiceActivityAsync(
        this ISpeechRecognizer recognizer, IVoiceActivityDetector detector, AudioData audio, SpeechRecognitionOptions? options = null, VoiceActivityTranscriptionOptions? voiceActivityOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recognizer);
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(audio);
        return VoiceActivityTranscriber.StreamAsync(recognizer, detector, audio, options, voiceActivityOptions, cancellationToken);
    }
}

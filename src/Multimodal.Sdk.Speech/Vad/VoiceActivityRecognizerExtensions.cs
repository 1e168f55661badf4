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

    /// <summary>
    /// Transcribes only the speech of an audio file (WAV, or what ffmpeg decodes), read as a stream: with a
    /// <see cref="SileroVoiceActivityDetector"/> (or a detector that wraps one) memory stays bounded by the chunk length
    /// whatever the file's length; another detector gets the whole clip.
    /// </summary>
    /// <param name="recognizer">The recognizer that decodes the chunks.</param>
    /// <param name="detector">The detector that finds the speech.</param>
    /// <param name="path">The audio file.</param>
    /// <param name="options">Language, task, timestamps and decoding settings for every chunk; <see langword="null"/> for the defaults.</param>
    /// <param name="voiceActivityOptions">Detection and chunking settings; <see langword="null"/> for the defaults (30 s chunks).</param>
    /// <param name="cancellationToken">Checked while decoding, between model windows and decoding steps.</param>
    /// <returns>The text, the language and the segments, with times in the whole file.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="recognizer"/>, <paramref name="detector"/> or <paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InputDecodeException">The file is not audio the SDK can decode, or holds no samples.</exception>
    /// <exception cref="ArgumentException">The language or task is not one the model knows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A detection, chunking or decoding option is out of range.</exception>
    /// <exception cref="MultimodalException">A model failed to run.</exception>
    public static Task<SpeechRecognitionResult> TranscribeWithVoiceActivityAsync(
        this ISpeechRecognizer recognizer, IVoiceActivityDetector detector, string path, SpeechRecognitionOptions? options = null, VoiceActivityTranscriptionOptions? voiceActivityOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recognizer);
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var run = new VoiceActivityTranscriber.Run();
        return VoiceActivityTranscriber.CollectAsync(
            VoiceActivityTranscriber.StreamEncodedAsync(recognizer, detector, rate => AudioReader.Open(path, rate), options, voiceActivityOptions, run, null, cancellationToken), run, options);
    }

    /// <summary>Streams the segments of the speech of an audio file, chunk by chunk, reading the file as a stream (see the other overload).</summary>
    /// <param name="recognizer">The recognizer that decodes the chunks.</param>
    /// <param name="detector">The detector that finds the speech.</param>
    /// <param name="path">The audio file.</param>
    /// <param name="options">Language, task, timestamps and decoding settings for every chunk; <see langword="null"/> for the defaults.</param>
    /// <param name="voiceActivityOptions">Detection and chunking settings; <see langword="null"/> for the defaults (30 s chunks).</param>
    /// <param name="cancellationToken">Checked while decoding, between model windows and decoding steps.</param>
    /// <returns>The segments in time order, with times in the whole file.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="recognizer"/>, <paramref name="detector"/> or <paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InputDecodeException">The file is not audio the SDK can decode, or holds no samples.</exception>
    /// <exception cref="ArgumentException">The language or task is not one the model knows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A detection, chunking or decoding option is out of range.</exception>
    /// <exception cref="MultimodalException">A model failed to run.</exception>
    public static IAsyncEnumerable<SpeechSegment> TranscribeStreamingWithVoiceActivityAsync(
        this ISpeechRecognizer recognizer, IVoiceActivityDetector detector, string path, SpeechRecognitionOptions? options = null, VoiceActivityTranscriptionOptions? voiceActivityOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recognizer);
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return VoiceActivityTranscriber.StreamEncodedAsync(recognizer, detector, rate => AudioReader.Open(path, rate), options, voiceActivityOptions, new VoiceActivityTranscriber.Run(), null, cancellationToken);
    }

    /// <summary>Streams the segments of the speech of a clip, chunk by chunk, as <see cref="TranscribeWithVoiceActivityAsync(ISpeechRecognizer, IVoiceActivityDetector, AudioData, SpeechRecognitionOptions?, VoiceActivityTranscriptionOptions?, CancellationToken)"/> finds them.</summary>
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

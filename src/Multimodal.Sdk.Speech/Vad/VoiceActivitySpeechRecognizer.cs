namespace Multimodal.Sdk;

/// <summary>
/// A recognizer that decodes only where a voice activity detector finds speech: regions are packed into chunks no
/// longer than <see cref="VoiceActivityTranscriptionOptions.MaxChunkDuration"/>, each chunk is transcribed by the inner
/// recognizer, and segment times are mapped back to the whole audio. Silence and noise between chunks are skipped,
/// which saves decoding time and the hallucinated text a recognizer may produce on them.
/// </summary>
/// <remarks>
/// Safe for concurrent use when the inner recognizer and the detector are. Disposing it disposes the inner recognizer
/// (as every <see cref="DelegatingSpeechRecognizer"/> does) and the detector when it was given with
/// <c>ownsDetector</c>.
/// </remarks>
public sealed class VoiceActivitySpeechRecognizer : DelegatingSpeechRecognizer
{
    private readonly IVoiceActivityDetector _detector;
    private readonly VoiceActivityTranscriptionOptions _chunking;
    private readonly bool _ownsDetector;

    /// <summary>Wraps a recognizer with a detector.</summary>
    /// <param name="innerRecognizer">The recognizer that decodes the chunks.</param>
    /// <param name="detector">The detector that finds the speech.</param>
    /// <param name="options">Detection and chunking settings; <see langword="null"/> for the defaults (30 s chunks).</param>
    /// <param name="ownsDetector">Whether disposing this recognizer disposes <paramref name="detector"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerRecognizer"/> or <paramref name="detector"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public VoiceActivitySpeechRecognizer(ISpeechRecognizer innerRecognizer, IVoiceActivityDetector detector, VoiceActivityTranscriptionOptions? options = null, bool ownsDetector = false)
        : base(innerRecognizer)
    {
        ArgumentNullException.ThrowIfNull(detector);
        _detector = detector;
        _chunking = VoiceActivityTranscriber.Resolve(options);
        SpeechRegionTracker.Validate(_chunking.Detection!);
        _ownsDetector = ownsDetector;
    }

    /// <summary>Transcribes the speech regions of a clip; times are those of the whole clip.</summary>
    /// <param name="audio">Mono audio at any sample rate; at least one sample.</param>
    /// <param name="options">Language, task, timestamps and decoding settings for every chunk; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Checked between model windows and decoding steps.</param>
    /// <returns>
    /// The text, the language (detected in the first chunk with text when not given; empty when nothing was said) and the
    /// segments.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="audio"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="audio"/> is empty, or the language or task is not one the model knows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A decoding option is out of range.</exception>
    /// <exception cref="MultimodalException">A model failed to run.</exception>
    public override Task<SpeechRecognitionResult> TranscribeAsync(AudioData audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        return VoiceActivityTranscriber.TranscribeAsync(InnerRecognizer, _detector, audio, options, _chunking, cancellationToken);
    }

    /// <summary>Streams the segments of the speech regions of a clip, chunk by chunk; times are those of the whole clip.</summary>
    /// <param name="audio">Mono audio at any sample rate; at least one sample.</param>
    /// <param name="options">Language, task, timestamps and decoding settings for every chunk; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Checked between model windows and decoding steps.</param>
    /// <returns>The segments in time order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="audio"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="audio"/> is empty, or the language or task is not one the model knows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A decoding option is out of range.</exception>
    /// <exception cref="MultimodalException">A model failed to run.</exception>
    public override IAsyncEnumerable<SpeechSegment> TranscribeStreamingAsync(AudioData audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        return VoiceActivityTranscriber.StreamAsync(InnerRecognizer, _detector, audio, options, _chunking, cancellationToken);
    }

    /// <summary>
    /// Decodes the stream (WAV, or what ffmpeg decodes) as it reads it and transcribes its speech regions: with a Silero
    /// detector only the open chunk and the region in progress are held, so memory does not grow with the stream's
    /// length; another detector gets the whole clip.
    /// </summary>
    /// <param name="audio">Encoded audio; read forward from its current position, never disposed.</param>
    /// <param name="options">Language, task, timestamps and decoding settings for every chunk; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Checked while decoding, between model windows and decoding steps.</param>
    /// <returns>The text, the language and the segments.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="audio"/> is <see langword="null"/>.</exception>
    /// <exception cref="InputDecodeException">The stream is not audio the SDK can decode.</exception>
    /// <exception cref="MultimodalException">A model failed to run.</exception>
    public override async Task<SpeechRecognitionResult> TranscribeAsync(Stream audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        var run = new VoiceActivityTranscriber.Run();
        return await VoiceActivityTranscriber.CollectAsync(
            VoiceActivityTranscriber.StreamEncodedAsync(InnerRecognizer, _detector, rate => AudioReader.Open(audio, rate), options, _chunking, run, null, cancellationToken), run, options).ConfigureAwait(false);
    }

    /// <summary>Decodes the stream as it reads it and streams the segments of its speech regions, chunk by chunk.</summary>
    /// <param name="audio">Encoded audio; read forward from its current position, never disposed.</param>
    /// <param name="options">Language, task, timestamps and decoding settings for every chunk; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Checked while decoding, between model windows and decoding steps.</param>
    /// <returns>The segments in time order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="audio"/> is <see langword="null"/>.</exception>
    /// <exception cref="InputDecodeException">The stream is not audio the SDK can decode.</exception>
    /// <exception cref="MultimodalException">A model failed to run.</exception>
    public override IAsyncEnumerable<SpeechSegment> TranscribeStreamingAsync(Stream audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        return VoiceActivityTranscriber.StreamEncodedAsync(InnerRecognizer, _detector, rate => AudioReader.Open(audio, rate), options, _chunking, new VoiceActivityTranscriber.Run(), null, cancellationToken);
    }

    /// <summary>Detects the spoken language from the first chunk of speech (the whole clip when none is found).</summary>
    /// <param name="audio">Mono audio at any sample rate; at least one sample.</param>
    /// <param name="cancellationToken">Checked between model windows.</param>
    /// <returns>The language probabilities and the no-speech probability.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="audio"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="audio"/> is empty.</exception>
    /// <exception cref="MultimodalException">A model failed to run.</exception>
    public override async Task<LanguageDetectionResult> DetectLanguageAsync(AudioData audio, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        var regions = _detector.DetectStreamingAsync(audio, _chunking.Detection, cancellationToken);
        await foreach (var (start, end) in VoiceActivityTranscriber.PackAsync(regions, _chunking, cancellationToken).ConfigureAwait(false))
        {
            var chunk = VoiceActivityTranscriber.Slice(audio, start, end, _chunking.MaxChunkDuration);
            if (!chunk.Samples.IsEmpty)
            {
                return await InnerRecognizer.DetectLanguageAsync(chunk, cancellationToken).ConfigureAwait(false);
            }
        }

        return await InnerRecognizer.DetectLanguageAsync(audio, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is null && serviceType.IsInstanceOfType(_detector) && !serviceType.IsInstanceOfType(this))
        {
            return _detector;
        }

        return base.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsDetector)
        {
            _detector.Dispose();
        }

        base.Dispose(disposing);
    }
}

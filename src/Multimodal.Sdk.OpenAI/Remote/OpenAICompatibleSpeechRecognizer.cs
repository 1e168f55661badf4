using System.Runtime.CompilerServices;
using OpenAI.Audio;

namespace Multimodal.Sdk;

/// <summary>
/// <see cref="ISpeechRecognizer"/> over a remote Whisper-style endpoint (<c>/v1/audio/transcriptions</c> and
/// <c>/v1/audio/translations</c>) through the official OpenAI client: the audio is sent as 16-bit WAV and the answer is
/// read as <c>verbose_json</c>, so segments keep their times, tokens and confidences.
/// </summary>
/// <remarks>
/// Safe for concurrent use. Maps <see cref="SpeechRecognitionOptions.Language"/>, <see cref="SpeechRecognitionOptions.Task"/>,
/// <see cref="SpeechRecognitionOptions.InitialPrompt"/> and a single fixed temperature (the first of
/// <see cref="SpeechRecognitionOptions.Temperatures"/> when it is above 0; otherwise the endpoint's own fallback). The
/// language the endpoint names ("english") is returned as its ISO 639-1 code where known. Streaming yields the
/// segments of one remote call. Language detection is not offered remotely.
/// </remarks>
public sealed class OpenAICompatibleSpeechRecognizer : ISpeechRecognizer
{
    private static readonly Dictionary<string, string> Codes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["english"] = "en", ["spanish"] = "es", ["french"] = "fr", ["german"] = "de", ["italian"] = "it", ["portuguese"] = "pt",
        ["dutch"] = "nl", ["russian"] = "ru", ["chinese"] = "zh", ["japanese"] = "ja", ["korean"] = "ko", ["arabic"] = "ar",
        ["hindi"] = "hi", ["polish"] = "pl", ["turkish"] = "tr", ["ukrainian"] = "uk", ["swedish"] = "sv", ["catalan"] = "ca",
    };

    private readonly AudioClient _client;

    /// <summary>Wraps an OpenAI audio client (its model is the speech model to call).</summary>
    /// <param name="audioClient">The client, for example <c>new OpenAIClient(...).GetAudioClient("whisper-1")</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="audioClient"/> is <see langword="null"/>.</exception>
    public OpenAICompatibleSpeechRecognizer(AudioClient audioClient)
    {
        ArgumentNullException.ThrowIfNull(audioClient);
        _client = audioClient;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="audio"/> is <see langword="null"/>.</exception>
    /// <exception cref="System.ClientModel.ClientResultException">The endpoint answered an error.</exception>
    public async Task<SpeechRecognitionResult> TranscribeAsync(AudioData audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        options ??= new SpeechRecognitionOptions();
        float? temperature = options.Temperatures is [> 0f and var t, ..] ? t : null;
        using var wav = new MemoryStream(EncodedMedia.Wav(audio));
        string text;
        string? language;
        IReadOnlyList<TranscribedSegment> segments;
        if (options.Task == SpeechTask.Translate)
        {
            var translation = (await _client.TranslateAudioAsync(wav, "audio.wav", new AudioTranslationOptions
            {
                ResponseFormat = AudioTranslationFormat.Verbose,
                Prompt = options.InitialPrompt,
                Temperature = temperature,
            }, cancellationToken).ConfigureAwait(false)).Value;
            (text, language, segments) = (translation.Text, translation.Language, translation.Segments);
        }
        else
        {
            var transcription = (await _client.TranscribeAudioAsync(wav, "audio.wav", new AudioTranscriptionOptions
            {
                ResponseFormat = AudioTranscriptionFormat.Verbose,
                TimestampGranularities = AudioTimestampGranularities.Segment,
                Language = options.Language,
                Prompt = options.InitialPrompt,
                Temperature = temperature,
            }, cancellationToken).ConfigureAwait(false)).Value;
            (text, language, segments) = (transcription.Text, transcription.Language, transcription.Segments);
        }

        string code = language is null ? options.Language ?? string.Empty : Codes.GetValueOrDefault(language, language);
        return new SpeechRecognitionResult(text.Trim(), code, float.NaN, [.. segments.Select(Segment)]);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<SpeechSegment> TranscribeStreamingAsync(AudioData audio, SpeechRecognitionOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var result = await TranscribeAsync(audio, options, cancellationToken).ConfigureAwait(false);
        foreach (var segment in result.Segments)
        {
            yield return segment;
        }
    }

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">Always: OpenAI-compatible endpoints do not offer language detection alone.</exception>
    public Task<LanguageDetectionResult> DetectLanguageAsync(AudioData audio, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("OpenAI-compatible endpoints do not offer language detection; TranscribeAsync returns the language it heard.");

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType.IsInstanceOfType(this) ? this
            : serviceType.IsInstanceOfType(_client) ? _client
            : null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // The OpenAI client holds no unmanaged resources of its own.
    }

    private static SpeechSegment Segment(TranscribedSegment s) =>
        new(s.StartTime, s.EndTime, s.Text.Trim(), s.AverageLogProbability, s.NoSpeechProbability, s.TokenIds.ToArray())
        {
            Temperature = s.Temperature,
            CompressionRatio = s.CompressionRatio,
        };
}

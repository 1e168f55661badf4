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
/// language the endpoint names ("english") is returned as its ISO 639-1 code where known. An encoded stream is sent as
/// it is (its container named by its first bytes). Streaming yields the segments of one remote call. Language detection is not offered remotely.
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
        using var wav = new MemoryStream(EncodedMedia.Wav(audio));
        return await SendAsync(wav, "audio.wav", options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends encoded audio (WAV, MP3, FLAC, Ogg, ...) to the endpoint as it is, without decoding it here.</summary>
    /// <param name="audio">The encoded audio; read to its end, never disposed.</param>
    /// <param name="options">Language, task, prompt and temperature; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The text, the language and the segments.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="audio"/> is <see langword="null"/>.</exception>
    /// <exception cref="System.ClientModel.ClientResultException">The endpoint answered an error.</exception>
    public async Task<SpeechRecognitionResult> TranscribeAsync(Stream audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        using var body = new MemoryStream();
        await audio.CopyToAsync(body, cancellationToken).ConfigureAwait(false);
        body.Position = 0;
        return await SendAsync(body, FileNameOf(body.GetBuffer().AsSpan(0, (int)body.Length)), options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends encoded audio to the endpoint and yields the segments of that one remote call.</summary>
    /// <param name="audio">The encoded audio; read to its end, never disposed.</param>
    /// <param name="options">Language, task, prompt and temperature; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The segments in time order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="audio"/> is <see langword="null"/>.</exception>
    public async IAsyncEnumerable<SpeechSegment> TranscribeStreamingAsync(Stream audio, SpeechRecognitionOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        var result = await TranscribeAsync(audio, options, cancellationToken).ConfigureAwait(false);
        foreach (var segment in result.Segments)
        {
            yield return segment;
        }
    }

    private async Task<SpeechRecognitionResult> SendAsync(Stream wav, string fileName, SpeechRecognitionOptions? options, CancellationToken cancellationToken)
    {
        options ??= new SpeechRecognitionOptions();
        float? temperature = options.Temperatures is [> 0f and var t, ..] ? t : null;
        string text;
        string? language;
        IReadOnlyList<TranscribedSegment> segments;
        if (options.Task == SpeechTask.Translate)
        {
            var translation = (await _client.TranslateAudioAsync(wav, fileName, new AudioTranslationOptions
            {
                ResponseFormat = AudioTranslationFormat.Verbose,
                Prompt = options.InitialPrompt,
                Temperature = temperature,
            }, cancellationToken).ConfigureAwait(false)).Value;
            (text, language, segments) = (translation.Text, translation.Language, translation.Segments);
        }
        else
        {
            var transcription = (await _client.TranscribeAudioAsync(wav, fileName, new AudioTranscriptionOptions
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

    // The endpoint reads the container from the file name's extension.
    private static string FileNameOf(ReadOnlySpan<byte> head) =>
        head.StartsWith("RIFF"u8) ? "audio.wav"
        : head.StartsWith("fLaC"u8) ? "audio.flac"
        : head.StartsWith("OggS"u8) ? "audio.ogg"
        : head.StartsWith("ID3"u8) || (head.Length > 1 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0) ? "audio.mp3"
        : head.Length > 8 && head[4..8].SequenceEqual("ftyp"u8) ? "audio.m4a"
        : "audio.wav";

    private static SpeechSegment Segment(TranscribedSegment s) =>
        new(s.StartTime, s.EndTime, s.Text.Trim(), s.AverageLogProbability, s.NoSpeechProbability, s.TokenIds.ToArray())
        {
            Temperature = s.Temperature,
            CompressionRatio = s.CompressionRatio,
        };
}

using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Multimodal.Sdk;

/// <summary>
/// Microsoft.Extensions.AI's <see cref="ISpeechToTextClient"/> over any <see cref="ISpeechRecognizer"/>, middleware
/// included: the stream goes to the recognizer's stream input, so a <see cref="WhisperRecognizer"/>, wrapped or not,
/// reads it window by window as it decodes (memory bounded by one window, updates before the stream ends, WAV or what
/// ffmpeg decodes). <see cref="SpeechToTextOptions.SpeechLanguage"/> picks the spoken language
/// (detected when unset), and a <see cref="SpeechToTextOptions.TextLanguage"/> of <c>en</c> for non-English speech
/// asks for translation. Streaming yields one update per segment with its start and end times.
/// </summary>
/// <remarks>Safe for concurrent use when the recognizer is. Disposes the recognizer only when it owns it.</remarks>
public sealed class SpeechToTextClientAdapter : ISpeechToTextClient
{
    private readonly ISpeechRecognizer _recognizer;
    private readonly bool _ownsRecognizer;

    /// <summary>Wraps a recognizer.</summary>
    /// <param name="recognizer">The recognizer.</param>
    /// <param name="ownsRecognizer">Whether disposing the client disposes the recognizer.</param>
    /// <exception cref="ArgumentNullException"><paramref name="recognizer"/> is <see langword="null"/>.</exception>
    public SpeechToTextClientAdapter(ISpeechRecognizer recognizer, bool ownsRecognizer = false)
    {
        ArgumentNullException.ThrowIfNull(recognizer);
        _recognizer = recognizer;
        _ownsRecognizer = ownsRecognizer;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="audioSpeechStream"/> is <see langword="null"/>.</exception>
    /// <exception cref="InputDecodeException">The stream is not audio the SDK can decode.</exception>
    public async Task<SpeechToTextResponse> GetTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audioSpeechStream);
        var result = await _recognizer.TranscribeAsync(audioSpeechStream, Map(options), cancellationToken).ConfigureAwait(false);
        return new SpeechToTextResponse(result.Text)
        {
            StartTime = result.Segments.Count > 0 ? result.Segments[0].Start : null,
            EndTime = result.Segments.Count > 0 ? result.Segments[^1].End : null,
            ModelId = options?.ModelId,
            RawRepresentation = result,
        };
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="audioSpeechStream"/> is <see langword="null"/>.</exception>
    /// <exception cref="InputDecodeException">The stream is not audio the SDK can decode.</exception>
    public async IAsyncEnumerable<SpeechToTextResponseUpdate> GetStreamingTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audioSpeechStream);
        await foreach (var segment in _recognizer.TranscribeStreamingAsync(audioSpeechStream, Map(options), cancellationToken).ConfigureAwait(false))
        {
            yield return new SpeechToTextResponseUpdate(segment.Text)
            {
                Kind = SpeechToTextResponseUpdateKind.TextUpdated,
                StartTime = segment.Start,
                EndTime = segment.End,
                RawRepresentation = segment,
            };
        }
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : _recognizer.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsRecognizer)
        {
            _recognizer.Dispose();
        }
    }

    private static SpeechRecognitionOptions Map(SpeechToTextOptions? options)
    {
        string? spoken = options?.SpeechLanguage is { Length: >= 2 } s ? s[..2].ToLowerInvariant() : null;
        string? text = options?.TextLanguage is { Length: >= 2 } t ? t[..2].ToLowerInvariant() : null;
        bool translate = text == "en" && spoken is not null && spoken != "en";
        return new SpeechRecognitionOptions { Language = spoken, Task = translate ? SpeechTask.Translate : SpeechTask.Transcribe, Timestamps = true };
    }
}

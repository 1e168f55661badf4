using System.Runtime.CompilerServices;

namespace Multimodal.Sdk;

/// <summary>
/// VAD-driven transcription on any <see cref="ISpeechRecognizer"/>: speech regions, streamed from the detector, are
/// packed into chunks no longer than the recognizer's window; each chunk is decoded on its own, and its segment times
/// are shifted back to where the chunk sits in the audio. Silence between chunks is never decoded.
/// </summary>
/// <remarks>
/// A chunk is the contiguous audio from its first region's start to its last region's end, so times inside it keep
/// their meaning and mapping back is one offset (segments are clipped to the chunk). When the language is not given,
/// the one detected in the first chunk with text is used for the rest, as openai/whisper detects it once per file.
/// Stateless; safe for concurrent use when the recognizer and the detector are.
/// </remarks>
internal static class VoiceActivityTranscriber
{
    public static async Task<SpeechRecognitionResult> TranscribeAsync(
        ISpeechRecognizer recognizer, IVoiceActivityDetector detector, AudioData audio, SpeechRecognitionOptions? options, VoiceActivityTranscriptionOptions? chunking, CancellationToken cancellationToken)
    {
        var run = new Run();
        var segments = new List<SpeechSegment>();
        await foreach (var segment in StreamAsync(recognizer, detector, audio, options, chunking, run, cancellationToken).ConfigureAwait(false))
        {
            segments.Add(segment);
        }

        return new SpeechRecognitionResult(
            string.Join(' ', segments.Select(s => s.Text).Where(t => t.Length > 0)),
            run.Language ?? LanguageOrEmpty(options),
            run.Language is null ? 0f : run.LanguageProbability,
            segments);
    }

    public static IAsyncEnumerable<SpeechSegment> StreamAsync(
        ISpeechRecognizer recognizer, IVoiceActivityDetector detector, AudioData audio, SpeechRecognitionOptions? options, VoiceActivityTranscriptionOptions? chunking, CancellationToken cancellationToken)
        => StreamAsync(recognizer, detector, audio, options, chunking, new Run(), cancellationToken);

    /// <summary>The chunks (start, end) that <paramref name="regions"/> pack into.</summary>
    public static async IAsyncEnumerable<(TimeSpan Start, TimeSpan End)> PackAsync(IAsyncEnumerable<VoiceActivityRegion> regions, VoiceActivityTranscriptionOptions chunking, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        (TimeSpan Start, TimeSpan End)? current = null;
        await foreach (var r in regions.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (current is { } c && chunking.PackRegions && r.End - c.Start <= chunking.MaxChunkDuration)
            {
                current = (c.Start, r.End);
                continue;
            }

            if (current is { } done)
            {
                yield return done;
            }

            current = (r.Start, r.End);
        }

        if (current is { } final)
        {
            yield return final;
        }
    }

    public static VoiceActivityTranscriptionOptions Resolve(VoiceActivityTranscriptionOptions? chunking)
    {
        var c = chunking?.Clone() ?? new VoiceActivityTranscriptionOptions();
        if (c.MaxChunkDuration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(chunking), c.MaxChunkDuration, "VoiceActivityTranscriptionOptions.MaxChunkDuration must be positive.");
        }

        c.Detection ??= new VoiceActivityOptions();
        c.Detection.MaxSpeechDuration ??= c.MaxChunkDuration;
        return c;
    }

    /// <summary>
    /// The samples of [<paramref name="start"/>, <paramref name="end"/>) of <paramref name="audio"/>, without copying, and
    /// never longer than <paramref name="maxDuration"/> (rounding must not push a chunk past the recognizer's window).
    /// </summary>
    public static AudioData Slice(AudioData audio, TimeSpan start, TimeSpan end, TimeSpan maxDuration)
    {
        int from = (int)Math.Clamp(Math.Round(start.TotalSeconds * audio.SampleRate), 0, audio.Samples.Length);
        int to = (int)Math.Clamp(Math.Round(end.TotalSeconds * audio.SampleRate), from, audio.Samples.Length);
        to = (int)Math.Min(to, from + Math.Floor(maxDuration.TotalSeconds * audio.SampleRate));
        return new AudioData(audio.Samples[from..to], audio.SampleRate);
    }

    private static string LanguageOrEmpty(SpeechRecognitionOptions? options) =>
        options?.Language is { } l && !string.Equals(l, "auto", StringComparison.OrdinalIgnoreCase) ? l : string.Empty;

    private static async IAsyncEnumerable<SpeechSegment> StreamAsync(
        ISpeechRecognizer recognizer, IVoiceActivityDetector detector, AudioData audio, SpeechRecognitionOptions? options, VoiceActivityTranscriptionOptions? chunking, Run run, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var c = Resolve(chunking);
        var decode = options?.Clone() ?? new SpeechRecognitionOptions();
        var regions = detector.DetectStreamingAsync(audio, c.Detection, cancellationToken);
        await foreach (var (start, end) in PackAsync(regions, c, cancellationToken).ConfigureAwait(false))
        {
            var chunk = Slice(audio, start, end, c.MaxChunkDuration);
            if (chunk.Samples.IsEmpty)
            {
                continue;
            }

            var result = await recognizer.TranscribeAsync(chunk, decode, cancellationToken).ConfigureAwait(false);
            if (run.Language is null && result.Segments.Count > 0)
            {
                run.Language = result.Language;
                run.LanguageProbability = result.LanguageProbability;
                decode.Language ??= result.Language;
                if (string.Equals(decode.Language, "auto", StringComparison.OrdinalIgnoreCase))
                {
                    decode.Language = result.Language;
                }
            }

            foreach (var s in result.Segments)
            {
                var from = start + Clamp(s.Start, chunk.Duration);
                var to = start + Clamp(s.End, chunk.Duration);
                yield return s with { Start = from, End = to < from ? from : to };
            }
        }
    }

    private static TimeSpan Clamp(TimeSpan t, TimeSpan max) => t < TimeSpan.Zero ? TimeSpan.Zero : t > max ? max : t;

    private sealed class Run
    {
        public string? Language { get; set; }

        public float LanguageProbability { get; set; }
    }
}

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
        return await CollectAsync(StreamAsync(recognizer, detector, audio, options, chunking, run, cancellationToken), run, options).ConfigureAwait(false);
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

        c.Detection ??= new VoiceActivityOptions { SpeechPadding = VoiceActivityTranscriptionOptions.DefaultSpeechPadding };
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
        var decode = ChunkDecoding(options);
        var regions = detector.DetectStreamingAsync(audio, c.Detection, cancellationToken);
        await foreach (var (start, end) in PackAsync(regions, c, cancellationToken).ConfigureAwait(false))
        {
            var chunk = Slice(audio, start, end, c.MaxChunkDuration);
            if (chunk.Samples.IsEmpty)
            {
                continue;
            }

            foreach (var segment in await DecodeAsync(recognizer, chunk, start, decode, run, cancellationToken).ConfigureAwait(false))
            {
                yield return segment;
            }
        }
    }

    /// <summary>
    /// Transcribes the speech of audio read block by block, holding only what a chunk still to come may need: the open
    /// chunk (at most <see cref="VoiceActivityTranscriptionOptions.MaxChunkDuration"/>), a region in progress (at most
    /// the detection's <see cref="VoiceActivityOptions.MaxSpeechDuration"/>) and their padding, never the whole clip.
    /// The regions, chunks and segments are those of the whole-clip path on the same samples.
    /// </summary>
    /// <param name="recognizer">The recognizer that decodes the chunks.</param>
    /// <param name="detector">The Silero detector.</param>
    /// <param name="reader">Mono samples; read to the end, not disposed.</param>
    /// <param name="options">Decoding settings for every chunk.</param>
    /// <param name="chunking">Detection and chunking settings.</param>
    /// <param name="run">Collects the language of the first chunk with text.</param>
    /// <param name="bufferedSamples">Set to the most samples held at once (for tests and measurements).</param>
    /// <param name="cancellationToken">Checked between blocks and chunks.</param>
    public static async IAsyncEnumerable<SpeechSegment> StreamAsync(
        ISpeechRecognizer recognizer, SileroVoiceActivityDetector detector, IAudioSampleReader reader, SpeechRecognitionOptions? options, VoiceActivityTranscriptionOptions? chunking, Run run, StrongBox<long>? bufferedSamples, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var c = Resolve(chunking);
        SpeechRegionTracker.Validate(c.Detection!);
        var decode = ChunkDecoding(options);
        int rate = reader.SampleRate;
        using var pass = detector.OpenPass(rate, c.Detection!);
        var window = new SampleWindow();
        var regions = new List<SampleRegion>();
        var closed = new List<(TimeSpan Start, TimeSpan End)>();
        (TimeSpan Start, TimeSpan End)? open = null;
        float[] block = new float[16 * 1024];
        bool ended = false;
        while (!ended)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = await Task.Run(() => reader.Read(block), cancellationToken).ConfigureAwait(false);
            if (n > 0)
            {
                window.Append(block.AsSpan(0, n));
                await Task.Run(() => pass.Process(block.AsSpan(0, n), regions), cancellationToken).ConfigureAwait(false);
            }
            else if (window.Origin + window.Count == 0)
            {
                throw new InputDecodeException("The audio holds no samples.");
            }
            else
            {
                ended = true;
                pass.Finish(regions);
            }

            foreach (var r in regions)
            {
                var (start, end) = (Time(r.Start, rate), Time(r.End, rate));
                if (open is { } o && c.PackRegions && end - o.Start <= c.MaxChunkDuration)
                {
                    open = (o.Start, end);
                    continue;
                }

                if (open is { } done)
                {
                    closed.Add(done);
                }

                open = (start, end);
            }

            regions.Clear();

            // No region still to come can join the open chunk once it could not start early enough to fit.
            if (open is { } current && (ended || !c.PackRegions || Time(pass.EarliestPendingStart, rate) - current.Start >= c.MaxChunkDuration))
            {
                closed.Add(current);
                open = null;
            }

            if (bufferedSamples is not null)
            {
                bufferedSamples.Value = Math.Max(bufferedSamples.Value, window.Count);
            }

            foreach (var (start, end) in closed)
            {
                var chunk = window.Slice(start, end, c.MaxChunkDuration, rate);
                if (chunk.Samples.IsEmpty)
                {
                    continue;
                }

                foreach (var segment in await DecodeAsync(recognizer, chunk, start, decode, run, cancellationToken).ConfigureAwait(false))
                {
                    yield return segment;
                }
            }

            closed.Clear();
            long keep = pass.EarliestPendingStart;
            if (open is { } stillOpen)
            {
                keep = Math.Min(keep, (long)Math.Round(stillOpen.Start.TotalSeconds * rate));
            }

            window.DropBefore(keep);
        }
    }

    /// <summary>
    /// Transcribes the speech of encoded audio opened by <paramref name="open"/>: streamed at 16 kHz with bounded memory
    /// when the detector is (or wraps) Silero, decoded whole for any other detector (the interface takes whole clips).
    /// </summary>
    public static async IAsyncEnumerable<SpeechSegment> StreamEncodedAsync(
        ISpeechRecognizer recognizer, IVoiceActivityDetector detector, Func<int?, IAudioSampleReader> open, SpeechRecognitionOptions? options, VoiceActivityTranscriptionOptions? chunking, Run run, StrongBox<long>? bufferedSamples, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var silero = detector.GetService(typeof(SileroVoiceActivityDetector)) as SileroVoiceActivityDetector;
        using var reader = await Task.Run(() => open(silero is null ? null : StreamingRate), cancellationToken).ConfigureAwait(false);
        IAsyncEnumerable<SpeechSegment> segments;
        if (silero is not null)
        {
            segments = StreamAsync(recognizer, silero, reader, options, chunking, run, bufferedSamples, cancellationToken);
        }
        else
        {
            var audio = await Task.Run(() => AudioFile.ReadAll(reader, cancellationToken), cancellationToken).ConfigureAwait(false);
            if (audio.Samples.IsEmpty)
            {
                throw new InputDecodeException("The audio holds no samples.");
            }

            if (bufferedSamples is not null)
            {
                bufferedSamples.Value = audio.Samples.Length;
            }

            segments = StreamAsync(recognizer, detector, audio, options, chunking, run, cancellationToken);
        }

        await foreach (var segment in segments.ConfigureAwait(false))
        {
            yield return segment;
        }
    }

    /// <summary>The rate streamed audio is decoded to: Silero's own and the recognizers'.</summary>
    private const int StreamingRate = 16000;

    private static TimeSpan Time(long sample, int rate) => TimeSpan.FromTicks((long)Math.Round((double)sample * TimeSpan.TicksPerSecond / rate));

    // Every chunk is decoded with timestamps, asked for or not, as openai/whisper decodes every window: a packed chunk
    // holds several utterances, and a window decoded without them may stop after the first (the zoo's tiny-whisper did on
    // chunks shorter than a window, losing the rest of the chunk). Its segments are the model's timed ones.
    private static SpeechRecognitionOptions ChunkDecoding(SpeechRecognitionOptions? options)
    {
        var decode = options?.Clone() ?? new SpeechRecognitionOptions();
        decode.Timestamps = true;
        return decode;
    }

    private static async Task<IReadOnlyList<SpeechSegment>> DecodeAsync(
        ISpeechRecognizer recognizer, AudioData chunk, TimeSpan start, SpeechRecognitionOptions decode, Run run, CancellationToken cancellationToken)
    {
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

        var segments = new List<SpeechSegment>(result.Segments.Count);
        foreach (var s in result.Segments)
        {
            var from = start + Clamp(s.Start, chunk.Duration);
            var to = start + Clamp(s.End, chunk.Duration);
            segments.Add(s with { Start = from, End = to < from ? from : to });
        }

        return segments;
    }

    private static TimeSpan Clamp(TimeSpan t, TimeSpan max) => t < TimeSpan.Zero ? TimeSpan.Zero : t > max ? max : t;

    /// <summary>Collects streamed segments into one result as <see cref="TranscribeAsync"/> does.</summary>
    public static async Task<SpeechRecognitionResult> CollectAsync(IAsyncEnumerable<SpeechSegment> segments, Run run, SpeechRecognitionOptions? options)
    {
        var list = new List<SpeechSegment>();
        await foreach (var segment in segments.ConfigureAwait(false))
        {
            list.Add(segment);
        }

        return new SpeechRecognitionResult(
            string.Join(' ', list.Select(s => s.Text).Where(t => t.Length > 0)),
            run.Language ?? LanguageOrEmpty(options),
            run.Language is null ? 0f : run.LanguageProbability,
            list);
    }

    /// <summary>What one transcription learns as it goes: the language of the first chunk with text.</summary>
    internal sealed class Run
    {
        public string? Language { get; set; }

        public float LanguageProbability { get; set; }
    }
}

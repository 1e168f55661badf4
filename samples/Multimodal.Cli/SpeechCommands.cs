using System.Globalization;
using Multimodal.Sdk;

namespace Multimodal.Cli;

/// <summary><c>mm transcribe</c>, with or without voice activity detection (<c>--vad</c>).</summary>
internal static class SpeechCommands
{
    public static async Task<int> TranscribeAsync(CliConsole io, CliArguments options, CancellationToken cancellationToken)
    {
        var clips = options.Inputs("--audio");
        var subtitles = Subtitle.FromOptions(options, clips.Count);
        var speechOptions = new SpeechRecognitionOptions
        {
            Language = options.Get("--language") is "auto" ? null : options.Get("--language"),
            Timestamps = options.Has("--timestamps") || subtitles is not null,
            Task = options.Get("--task") switch
            {
                null or "transcribe" => SpeechTask.Transcribe,
                "translate" => SpeechTask.Translate,
                var other => throw new CliUsageException($"--task must be transcribe or translate, not '{other}'"),
            },
        };
        if (options.Has("--vad-model") && !options.Has("--vad"))
        {
            throw new CliUsageException("--vad-model goes with --vad");
        }

        using var recognizer = new WhisperRecognizer(options.Get("--model") ?? io.BundledModel("tiny-whisper"));
        using var detector = options.Has("--vad") ? VadCommand.Open(io, options.Get("--vad-model")) : null;
        if (speechOptions.Language is { } language && !recognizer.Languages.Contains(language))
        {
            throw new CliUsageException($"--language must be auto or one of the model's: {string.Join(", ", recognizer.Languages)}; not '{language}'");
        }

        return await Batch.RunAsync(io, options, clips, "audio", ["audio", "language", "time", "text"], async (clip, progress) =>
        {
            var audio = ReadAudio(clip, cancellationToken);
            var (text, detected, segments) = detector is not null
                ? Unpack(await recognizer.TranscribeWithVoiceActivityAsync(detector, audio, speechOptions, cancellationToken: cancellationToken))
                : progress is null
                ? Unpack(await recognizer.TranscribeAsync(audio, speechOptions, cancellationToken))
                : await TranscribeWithProgressAsync(recognizer, audio, speechOptions, progress, cancellationToken);
            if (subtitles is not null)
            {
                string written = subtitles.Write(clip, segments);
                if (!options.Has("--json"))
                {
                    io.Error.WriteLine($"wrote {written}");
                }
            }

            var row = new
            {
                audio = clip,
                language = detected,
                text,
                segments = segments.Select(s => new { start = s.Start.TotalSeconds, end = s.End.TotalSeconds, text = s.Text }),
            };
            IReadOnlyList<string[]> cells = speechOptions.Timestamps
                ? [.. segments.Select(s => new[] { clip, detected, $"{Seconds(s.Start)} -> {Seconds(s.End)}", s.Text })]
                : [[clip, detected, string.Empty, text]];
            return new BatchItem(row, cells);
        }, cancellationToken);
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture);

    /// <summary>Reads a clip; one with no samples is an input error (exit code 3).</summary>
    public static AudioData ReadAudio(string clip, CancellationToken cancellationToken)
    {
        var audio = AudioFile.Read(clip, cancellationToken: cancellationToken);
        return audio.Samples.IsEmpty ? throw new InputDecodeException($"'{clip}' holds no audio samples") : audio;
    }

    private static (string Text, string Language, IReadOnlyList<SpeechSegment> Segments) Unpack(SpeechRecognitionResult result) =>
        (result.Text, result.Language, result.Segments);

    // On a terminal the bar follows the audio: the language is detected first, then the windows stream in.
    private static async Task<(string Text, string Language, IReadOnlyList<SpeechSegment> Segments)> TranscribeWithProgressAsync(
        WhisperRecognizer recognizer, AudioData audio, SpeechRecognitionOptions options, Action<double> progress, CancellationToken cancellationToken)
    {
        var streaming = (SpeechRecognitionOptions)options.Clone();
        streaming.Language ??= (await recognizer.DetectLanguageAsync(audio, cancellationToken)).Language;
        double seconds = audio.Duration.TotalSeconds;
        var segments = new List<SpeechSegment>();
        await foreach (var segment in recognizer.TranscribeStreamingAsync(audio, streaming, cancellationToken))
        {
            segments.Add(segment);
            progress(seconds > 0 ? segment.End.TotalSeconds / seconds : 1);
        }

        return (string.Concat(segments.Select(s => s.Text)).Trim(), streaming.Language, segments);
    }

    /// <summary>Where <c>--srt OUT</c> / <c>--vtt OUT</c> writes: the file OUT for one input, or OUT/NAME.srt for each of several.</summary>
    private sealed class Subtitle(string output, bool vtt, bool directory)
    {
        public static Subtitle? FromOptions(CliArguments options, int inputs)
        {
            string? srt = options.Get("--srt");
            string? vtt = options.Get("--vtt");
            if (srt is not null && vtt is not null)
            {
                throw new CliUsageException("give --srt OUT or --vtt OUT, not both");
            }

            if ((srt ?? vtt) is not { } output)
            {
                return null;
            }

            bool directory = inputs > 1 || Directory.Exists(output) || output.EndsWith('/') || output.EndsWith(Path.DirectorySeparatorChar);
            return new Subtitle(output, vtt is not null, directory);
        }

        public string Write(string clip, IReadOnlyList<SpeechSegment> segments)
        {
            string path = output;
            if (directory)
            {
                Directory.CreateDirectory(output);
                path = Path.Combine(output, Path.GetFileNameWithoutExtension(clip) + (vtt ? ".vtt" : ".srt"));
            }
            else if (Path.GetDirectoryName(Path.GetFullPath(output)) is { } parent)
            {
                Directory.CreateDirectory(parent);
            }

            File.WriteAllText(path, vtt ? Subtitles.ToWebVtt(segments) : Subtitles.ToSrt(segments));
            return path;
        }
    }
}

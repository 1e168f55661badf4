using System.CommandLine;
using System.Globalization;
using Multimodal.Sdk;

namespace Multimodal.Cli;

/// <summary><c>mm transcribe</c>, with or without voice activity detection (<c>--vad</c>).</summary>
internal static class TranscribeCommand
{
    public static Command Create(CliConsole io)
    {
        var audio = CliOptions.Audio();
        var language = new Option<string>("--language") { Description = "The spoken language (a code such as en, es), or auto to detect it (default).", HelpName = "L|auto" };
        var task = new Option<string>("--task") { Description = "transcribe (default) or translate (to English).", HelpName = "transcribe|translate" };
        task.AcceptOnlyFromAmong("transcribe", "translate");
        var timestamps = CliOptions.Flag("--timestamps", "Timestamped segments from the model (on with --srt / --vtt).");
        var srt = CliOptions.Path("--srt", "Write SubRip subtitles to OUT (a directory with several inputs).", "OUT");
        var vtt = CliOptions.Path("--vtt", "Write WebVTT subtitles to OUT (a directory with several inputs).", "OUT");
        var vad = CliOptions.Flag("--vad", "Decode only the speech Silero VAD finds.");
        var vadModel = CliOptions.Path("--vad-model", "The Silero VAD v5 .onnx file or folder for --vad (default: the bundled one).", "F");
        var model = CliOptions.Model("tiny-whisper");
        var json = CliOptions.Json();
        var command = new Command("transcribe", "Speech recognition and translation with Whisper; subtitles with --srt / --vtt.")
        {
            audio, language, task, timestamps, srt, vtt, vad, vadModel, model, json,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var clips = parse.AudioFiles(audio);
            var subtitles = Subtitle.Create(parse.GetValue(srt), parse.GetValue(vtt), clips.Count);
            var speechOptions = new SpeechRecognitionOptions
            {
                Language = parse.GetValue(language) is "auto" ? null : parse.GetValue(language),
                Timestamps = parse.GetValue(timestamps) || subtitles is not null,
                Task = parse.GetValue(task) is "translate" ? SpeechTask.Translate : SpeechTask.Transcribe,
            };
            if (parse.GetValue(vadModel) is not null && !parse.GetValue(vad))
            {
                throw new CliUsageException("--vad-model goes with --vad");
            }

            return RunAsync(io, clips, subtitles, speechOptions, parse.GetValue(model), parse.GetValue(vad), parse.GetValue(vadModel), parse.GetValue(json), cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(
        CliConsole io, List<string> clips, Subtitle? subtitles, SpeechRecognitionOptions speechOptions, string? model, bool vad, string? vadModel, bool json, CancellationToken cancellationToken)
    {
        using var recognizer = new WhisperRecognizer(model ?? io.BundledModel("tiny-whisper"));
        using var detector = vad ? VadCommand.Open(io, vadModel) : null;
        if (speechOptions.Language is { } language && !recognizer.Languages.Contains(language))
        {
            throw new CliUsageException($"--language must be auto or one of the model's: {string.Join(", ", recognizer.Languages)}; not '{language}'");
        }

        return await Batch.RunAsync(io, json, clips, "audio", ["audio", "language", "time", "text"], async (clip, progress) =>
        {
            // Both paths read the file as a stream (decode, downmix and resample block by block), so memory does not grow
            // with the file's length: the recognizer window by window, VAD holding only the chunk it is filling.
            var (text, detected, segments) = detector is not null
                ? Unpack(await recognizer.TranscribeWithVoiceActivityAsync(detector, clip, speechOptions, cancellationToken: cancellationToken))
                : await TranscribeStreamingAsync(recognizer, clip, speechOptions, progress, cancellationToken);
            if (subtitles is not null)
            {
                string written = subtitles.Write(clip, segments);
                if (!json)
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

    // The file is read as a stream; on a terminal the bar follows the segments as they come (the total length of a
    // compressed file is not known up front, so the bar shows the last window's end against the first estimate).
    private static async Task<(string Text, string Language, IReadOnlyList<SpeechSegment> Segments)> TranscribeStreamingAsync(
        WhisperRecognizer recognizer, string clip, SpeechRecognitionOptions options, Action<double>? progress, CancellationToken cancellationToken)
    {
        var result = await recognizer.TranscribeAsync(clip, options, cancellationToken);
        progress?.Invoke(1);
        return Unpack(result);
    }

    /// <summary>Where <c>--srt OUT</c> / <c>--vtt OUT</c> writes: the file OUT for one input, or OUT/NAME.srt for each of several.</summary>
    internal sealed class Subtitle(string output, bool vtt, bool directory)
    {
        public static Subtitle? Create(string? srt, string? vtt, int inputs)
        {
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
            try
            {
                return WriteTo(ref path, clip, segments);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
            {
                // Not the input's fault: say which output failed, or a missing directory reads as the input missing.
                throw new CliOutputException($"cannot write subtitles for '{clip}' to '{path}': {ex.Message}", ex);
            }
        }

        private string WriteTo(ref string path, string clip, IReadOnlyList<SpeechSegment> segments)
        {
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

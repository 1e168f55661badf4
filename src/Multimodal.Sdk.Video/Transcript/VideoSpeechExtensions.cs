using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace Multimodal.Sdk;

/// <summary>
/// The audio track of a video through any <see cref="ISpeechRecognizer"/>: ffmpeg extracts the first audio stream as a
/// 16 kHz mono WAV stream into the recognizer's <see cref="ISpeechRecognizer.TranscribeAsync(Stream, SpeechRecognitionOptions?, CancellationToken)"/>
/// overload, which reads it window by window, so a two-hour film is transcribed in bounded memory. Subtitles come from
/// the segments with <see cref="Subtitles"/>.
/// </summary>
public static class VideoSpeechExtensions
{
    /// <summary>Transcribes (or translates) a video's audio track.</summary>
    /// <param name="recognizer">The recognizer.</param>
    /// <param name="path">The video file.</param>
    /// <param name="options">Language, task, timestamps (needed for subtitles) and decoding settings; <see langword="null"/> for the defaults.</param>
    /// <param name="decoderOptions">Where ffmpeg is and the input limits; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Checked between windows; stops ffmpeg.</param>
    /// <returns>The text, the language and the segments, with times in the video.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="recognizer"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InputDecodeException">The file cannot be read, has no audio track, or ffmpeg is not installed.</exception>
    /// <exception cref="InputTooLargeException">The video exceeds the configured limits.</exception>
    public static async Task<SpeechRecognitionResult> TranscribeVideoAsync(this ISpeechRecognizer recognizer, string path, SpeechRecognitionOptions? options = null, MultimodalOptions? decoderOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recognizer);
        using var track = await AudioTrack.OpenAsync(path, decoderOptions, cancellationToken).ConfigureAwait(false);
        var result = await recognizer.TranscribeAsync(track.Stream, options, cancellationToken).ConfigureAwait(false);
        track.ThrowIfFailed();
        return result;
    }

    /// <summary>Transcribes only the speech of a video's audio track: <paramref name="detector"/> finds it (the track is held in memory as 16 kHz samples for the detector).</summary>
    /// <param name="recognizer">The recognizer.</param>
    /// <param name="detector">The voice activity detector.</param>
    /// <param name="path">The video file.</param>
    /// <param name="options">Language, task, timestamps and decoding settings; <see langword="null"/> for the defaults.</param>
    /// <param name="voiceActivityOptions">Detection and chunking settings; <see langword="null"/> for the defaults.</param>
    /// <param name="decoderOptions">Where ffmpeg is and the input limits; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Checked between windows; stops ffmpeg.</param>
    /// <returns>The text, the language and the segments, with times in the video.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="recognizer"/> or <paramref name="detector"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InputDecodeException">The file cannot be read, has no audio track, or ffmpeg is not installed.</exception>
    /// <exception cref="InputTooLargeException">The video exceeds the configured limits.</exception>
    public static async Task<SpeechRecognitionResult> TranscribeVideoAsync(this ISpeechRecognizer recognizer, IVoiceActivityDetector detector, string path, SpeechRecognitionOptions? options = null, VoiceActivityTranscriptionOptions? voiceActivityOptions = null, MultimodalOptions? decoderOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recognizer);
        ArgumentNullException.ThrowIfNull(detector);
        AudioData audio;
        using (var track = await AudioTrack.OpenAsync(path, decoderOptions, cancellationToken).ConfigureAwait(false))
        {
            audio = AudioFile.Read(track.Stream, 16000, decoderOptions, cancellationToken);
            track.ThrowIfFailed();
        }

        if (audio.Samples.IsEmpty)
        {
            throw new InputDecodeException($"The audio track of '{path}' holds no samples.");
        }

        return await recognizer.TranscribeWithVoiceActivityAsync(detector, audio, options, voiceActivityOptions, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>ffmpeg writing a video's first audio stream as 16 kHz mono 16-bit WAV to its stdout; disposing kills it.</summary>
    private sealed class AudioTrack : IDisposable
    {
        private readonly Process _process;
        private readonly Task<string> _stderr;
        private readonly string _path;

        private AudioTrack(Process process, string path)
        {
            _process = process;
            _path = path;
            _stderr = process.StandardError.ReadToEndAsync();
        }

        public Stream Stream => _process.StandardOutput.BaseStream;

        public static async Task<AudioTrack> OpenAsync(string path, MultimodalOptions? options, CancellationToken cancellationToken)
        {
            var info = await new FfmpegVideoDecoder(options).ProbeAsync(path, cancellationToken).ConfigureAwait(false);
            if (!info.HasAudio)
            {
                throw new InputDecodeException($"'{path}' has no audio track ({string.Join(", ", info.Streams.Select(s => s.Kind))}).");
            }

            var (ffmpeg, _) = FfmpegTools.Locate(options?.FfmpegPath);
            var start = new ProcessStartInfo(ffmpeg) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, CreateNoWindow = true };
            foreach (string a in (string[])["-hide_banner", "-nostats", "-nostdin", "-loglevel", "error", "-i", "file:" + Path.GetFullPath(path), "-map", "0:a:0", "-vn", "-sn", "-dn", "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", "-f", "wav", "pipe:1"])
            {
                start.ArgumentList.Add(a);
            }

            try
            {
                return new AudioTrack(Process.Start(start) ?? throw new InputDecodeException($"Cannot read the audio of '{path}': ffmpeg did not start."), path);
            }
            catch (Win32Exception e)
            {
                throw new InputDecodeException($"Cannot read the audio of '{path}': ffmpeg could not be started ({e.Message}); {FfmpegTools.InstallHint}.", e);
            }
        }

        public void ThrowIfFailed()
        {
            if (_process.WaitForExit(TimeSpan.FromSeconds(30)) && _process.ExitCode != 0)
            {
                string stderr = _stderr.Wait(TimeSpan.FromSeconds(5)) ? _stderr.Result.Trim() : string.Empty;
                throw new InputDecodeException(string.Create(CultureInfo.InvariantCulture, $"Cannot read the audio of '{_path}': ffmpeg exited with code {_process.ExitCode}{(stderr.Length > 0 ? ": " + stderr : ".")}"));
            }
        }

        public void Dispose()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            _process.Dispose();
        }
    }
}

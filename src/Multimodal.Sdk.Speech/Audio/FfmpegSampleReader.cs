using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Multimodal.Sdk;

/// <summary>
/// Decodes any container ffmpeg knows by running it as a child process that writes 32-bit float WAV to a pipe,
/// read block by block with <see cref="WavSampleReader"/>. ffmpeg keeps every channel and the source rate: the
/// channel average and the resampling are ours, so an MP3 and a WAV of the same audio give the same samples.
/// </summary>
/// <remarks>
/// The input goes to ffmpeg either as a file path (needed for MP4/M4A files whose index is at the end) or through
/// stdin, written by a separate task so that a full stdout pipe can never block the stdin writer (pipe deadlock);
/// stderr is drained by a third task and quoted in errors. The caller's stream is never disposed. Disposing kills
/// ffmpeg if it is still running. Not safe for concurrent use.
/// </remarks>
internal sealed class FfmpegSampleReader : IAudioSampleReader
{
    private const int MaxStderrChars = 2000;

    private readonly Process _process;
    private readonly Task _stdinTask;
    private readonly Task<string> _stderrTask;
    private readonly string _what;
    private WavSampleReader? _wav;
    private bool _checkedExit;
    private (long Frames, long Tolerance)? _declared;
    private long _frames;

    private FfmpegSampleReader(Process process, Task stdinTask, Task<string> stderrTask, string what)
    {
        _process = process;
        _stdinTask = stdinTask;
        _stderrTask = stderrTask;
        _what = what;
    }

    /// <inheritdoc/>
    public int SampleRate => _wav!.SampleRate;

    /// <inheritdoc/>
    public long? Length => null;

    /// <summary>Starts ffmpeg on a file or a stream and parses the header of its output.</summary>
    /// <param name="ffmpeg">The ffmpeg executable (see <see cref="FfmpegLocator"/>).</param>
    /// <param name="path">A file to decode, or <see langword="null"/> to pipe <paramref name="input"/>.</param>
    /// <param name="input">The stream to pipe when <paramref name="path"/> is null; left open.</param>
    /// <param name="what">The container's name, for messages.</param>
    /// <param name="declared">The frames the file's header declares (<see cref="DeclaredLength"/>) and how many fewer may decode; fewer still is truncation.</param>
    /// <exception cref="InputDecodeException">ffmpeg could not be started or could not decode the input.</exception>
    public static FfmpegSampleReader Open(string ffmpeg, string? path, Stream? input, string what, (long Frames, long Tolerance)? declared = null)
    {
        var info = new ProcessStartInfo(ffmpeg)
        {
            RedirectStandardInput = path is null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (string a in (string[])["-hide_banner", "-nostats", "-loglevel", "error", "-i", path is null ? "pipe:0" : "file:" + Path.GetFullPath(path), "-map", "0:a:0", "-vn", "-sn", "-dn", "-c:a", "pcm_f32le", "-f", "wav", "pipe:1"])
        {
            info.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InputDecodeException($"Cannot decode {what} audio: ffmpeg at '{ffmpeg}' did not start.");
        }
        catch (Win32Exception e)
        {
            throw new InputDecodeException($"Cannot decode {what} audio: ffmpeg at '{ffmpeg}' could not be started ({e.Message}).", e);
        }

        Task stdin = path is null ? Task.Run(() => Feed(input!, process.StandardInput.BaseStream)) : Task.CompletedTask;
        Task<string> stderr = Task.Run(() => Drain(process.StandardError));
        var reader = new FfmpegSampleReader(process, stdin, stderr, what) { _declared = declared };
        try
        {
            reader._wav = WavSampleReader.Open(process.StandardOutput.BaseStream, leaveOpen: true, vectorized: true);
        }
        catch (InputDecodeException e)
        {
            // ffmpeg wrote no valid WAV: its own message says why (not audio, no audio stream, corrupt data...).
            var failure = reader.Failure(TimeSpan.FromSeconds(10)) ?? new InputDecodeException($"Cannot decode {what} audio: ffmpeg produced no audio ({e.Message})", e);
            reader.Dispose();
            throw failure;
        }

        return reader;
    }

    /// <inheritdoc/>
    public int Read(Span<float> destination)
    {
        int n = _wav!.Read(destination);
        _frames += n;
        if (n == 0 && !destination.IsEmpty && !_checkedExit)
        {
            _checkedExit = true;
            if (Failure(Timeout.InfiniteTimeSpan) is { } failure)
            {
                throw failure;
            }

            // ffmpeg decodes what a cut file holds and exits 0; a truncated WAV is an error, and so is this.
            if (_declared is { } d && _frames < d.Frames - d.Tolerance)
            {
                int rate = _wav.SampleRate;
                throw new InputDecodeException(string.Create(CultureInfo.InvariantCulture, $"Cannot decode {_what} audio: its header declares {d.Frames} samples ({(double)d.Frames / rate:F2} s at {rate} Hz) but the stream ends after {_frames} ({(double)_frames / rate:F2} s): the file is truncated or its header lies."));
            }
        }

        return n;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _wav?.Dispose();
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

        // Wait for the helper tasks so the caller's stream is no longer touched once Dispose returns.
        try
        {
            Task.WaitAll([_stdinTask, _stderrTask], TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // Their failures are reported through ffmpeg's exit code and stderr.
        }

        _process.Dispose();
    }

    /// <summary>Waits for ffmpeg to exit; returns the error to throw when it failed.</summary>
    private InputDecodeException? Failure(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout) || _process.ExitCode == 0)
        {
            return null;
        }

        string stderr = _stderrTask.Wait(TimeSpan.FromSeconds(10)) ? _stderrTask.Result.Trim() : string.Empty;
        return new InputDecodeException(string.Create(CultureInfo.InvariantCulture, $"Cannot decode {_what} audio: ffmpeg exited with code {_process.ExitCode}{(stderr.Length > 0 ? ": " + stderr : ".")}"));
    }

    private static void Feed(Stream input, Stream stdin)
    {
        try
        {
            input.CopyTo(stdin, 64 * 1024);
        }
        catch (IOException)
        {
            // ffmpeg stopped reading (it failed or needs no more input); its exit code tells which.
        }
        catch (ObjectDisposedException)
        {
            // The process was disposed while writing.
        }
        finally
        {
            try
            {
                stdin.Dispose();
            }
            catch (IOException)
            {
                // The pipe is already broken.
            }
        }
    }

    private static string Drain(StreamReader stderr)
    {
        var text = new StringBuilder();
        char[] buffer = new char[1024];
        int n;
        while ((n = stderr.Read(buffer, 0, buffer.Length)) > 0)
        {
            // Keep the tail: the last lines are the reason for a failure.
            text.Append(buffer, 0, n);
            if (text.Length > 2 * MaxStderrChars)
            {
                text.Remove(0, text.Length - MaxStderrChars);
            }
        }

        return text.Length > MaxStderrChars ? text.ToString(text.Length - MaxStderrChars, MaxStderrChars) : text.ToString();
    }
}

/// <summary>Finds the ffmpeg executable: the configured path, else the first match on <c>PATH</c>.</summary>
/// <remarks>Stateless; safe for concurrent use.</remarks>
internal static class FfmpegLocator
{
    /// <summary>Returns the path of ffmpeg, or <see langword="null"/> when there is none.</summary>
    /// <param name="configured"><see cref="MultimodalOptions.FfmpegPath"/>; when set, it is the only candidate.</param>
    /// <param name="pathVariable">The <c>PATH</c> to search; the process's own by default.</param>
    public static string? Find(string? configured, string? pathVariable = null)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured) ? configured : null;
        }

        pathVariable ??= Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        string name = OperatingSystem.IsWindows() ? "ffmpeg.exe" : "ffmpeg";
        foreach (string dir in pathVariable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The error for an input that needs ffmpeg when none is found.</summary>
    public static InputDecodeException NotFound(string what, string? configured) => new(
        string.IsNullOrWhiteSpace(configured)
            ? $"Cannot decode {what} audio: this format needs ffmpeg, which was not found on PATH. Install ffmpeg or set MultimodalOptions.FfmpegPath; WAV files are decoded without it."
            : $"Cannot decode {what} audio: this format needs ffmpeg, but MultimodalOptions.FfmpegPath '{configured}' does not exist. WAV files are decoded without it.");
}

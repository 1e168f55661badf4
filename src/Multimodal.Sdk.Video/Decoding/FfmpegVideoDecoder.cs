using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Multimodal.Sdk;

/// <summary>
/// Reads videos through the <c>ffmpeg</c> and <c>ffprobe</c> programs: <c>ffprobe</c> for the streams, <c>ffmpeg</c>
/// decoding, rotating upright, picking frames (its <c>select</c> filter) and writing raw RGB24 to a pipe that is read
/// one frame at a time, so memory stays at one frame whatever the video's length. Each frame's time comes from
/// ffmpeg's <c>showinfo</c> filter on the same frames. MP4, MOV, WebM, MKV, GIF and whatever else the installed ffmpeg
/// reads.
/// </summary>
/// <remarks>
/// The programs are run directly (no shell), one process per call, killed when the caller stops enumerating or
/// cancels. A probe is remembered per file (path, length and last write time) so decoding a file that was just probed
/// starts ffmpeg only. Frames own their pixels unless <see cref="VideoSamplingOptions.ReuseFrameBuffer"/> asks for
/// one reused buffer. Safe for concurrent use.
/// </remarks>
public sealed partial class FfmpegVideoDecoder : IVideoDecoder
{
    private const int MaxStderrChars = 2000;
    private const int MaxRememberedProbes = 256;

    private readonly string? _configuredPath;
    private readonly long _maxPixels;
    private readonly TimeSpan _maxDuration;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string File, string Path), ProbeEntry> _probes = new();

    /// <summary>Creates a decoder.</summary>
    /// <param name="options">Where ffmpeg is (<see cref="MultimodalOptions.FfmpegPath"/>, else <c>PATH</c>) and the input limits (<see cref="MultimodalOptions.MaxImagePixels"/> per frame, <see cref="InputLimits.MaxVideoDuration"/>); <see langword="null"/> for the defaults.</param>
    public FfmpegVideoDecoder(MultimodalOptions? options = null)
    {
        _configuredPath = options?.FfmpegPath;
        _maxPixels = options?.MaxImagePixels ?? MultimodalOptions.DefaultMaxImagePixels;
        _maxDuration = options?.Limits?.MaxVideoDuration ?? InputLimits.DefaultMaxVideoDuration;
    }

    /// <inheritdoc/>
    public async Task<VideoInfo> ProbeAsync(string path, CancellationToken cancellationToken = default) =>
        (await ProbeWithinLimitsAsync(path, CheckFile(path), cancellationToken).ConfigureAwait(false)).Info;

    private async Task<ProbeEntry> ProbeWithinLimitsAsync(string path, string file, CancellationToken cancellationToken)
    {
        var entry = await ProbeEntryAsync(path, file, cancellationToken).ConfigureAwait(false);
        var info = entry.Info;
        if ((long)info.Width * info.Height > _maxPixels)
        {
            throw new InputTooLargeException(string.Create(CultureInfo.InvariantCulture, $"'{path}' has {info.Width}x{info.Height} frames; the most pixels a frame may have is {_maxPixels} (MultimodalOptions.MaxImagePixels)."), (long)info.Width * info.Height, _maxPixels);
        }

        if (info.Duration > _maxDuration)
        {
            throw new InputTooLargeException(string.Create(CultureInfo.InvariantCulture, $"'{path}' runs {info.Duration.TotalSeconds:F0} s; the longest video accepted is {_maxDuration.TotalSeconds:F0} s (MultimodalOptions.Limits.MaxVideoDuration)."), (long)info.Duration.TotalSeconds, (long)_maxDuration.TotalSeconds);
        }

        return entry;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<VideoFrame> ReadFramesAsync(string path, VideoSamplingOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options = options?.Clone() ?? new VideoSamplingOptions();
        options.Validate();
        string file = CheckFile(path);
        var entry = await ProbeWithinLimitsAsync(path, file, cancellationToken).ConfigureAwait(false);
        var info = entry.Info;
        var (ffmpeg, ffprobe) = FfmpegTools.Locate(_configuredPath);

        string? select = null;
        switch (options.Mode)
        {
            case FrameSampling.Uniform:
                long total = info.FrameCount ?? entry.CountedFrames ?? await CountFramesAsync(ffprobe, file, path, entry, cancellationToken).ConfigureAwait(false);
                if (total <= 0)
                {
                    throw new InputDecodeException($"'{path}' has no video frames.");
                }

                select = string.Join('+', UniformIndices(total, options.FrameCount).Distinct().Select(i => string.Create(CultureInfo.InvariantCulture, $"eq(n\\,{i})")));
                break;
            case FrameSampling.Interval:
                string t = options.Interval.TotalSeconds.ToString("R", CultureInfo.InvariantCulture);
                select = $"isnan(prev_selected_t)+gte(floor(t/{t})-floor(prev_selected_t/{t})\\,1)";
                break;
            case FrameSampling.SceneChange:
                select = string.Create(CultureInfo.InvariantCulture, $"eq(n\\,0)+gt(scene\\,{options.SceneThreshold:R})");
                break;
        }

        var args = new List<string> { "-hide_banner", "-nostats", "-nostdin", "-loglevel", "info" };
        if (options.Mode == FrameSampling.Keyframes)
        {
            args.AddRange(["-skip_frame", "nokey"]);
        }

        args.AddRange(["-i", "file:" + file, "-map", "0:v:0", "-an", "-sn", "-dn"]);
        args.AddRange(["-vf", (select is null ? string.Empty : $"select='{select}',") + "format=rgb24,showinfo=checksum=0"]);
        args.AddRange(["-fps_mode", "passthrough"]);
        if (options.MaxFrames is { } max)
        {
            args.AddRange(["-frames:v", max.ToString(CultureInfo.InvariantCulture)]);
        }

        args.AddRange(["-f", "rawvideo", "pipe:1"]);

        using var run = FrameProcess.Start(ffmpeg, args, path);
        int index = 0;
        byte[]? shared = null;
        while (await run.NextFrameInfoAsync(cancellationToken).ConfigureAwait(false) is { } frame)
        {
            if ((long)frame.Width * frame.Height > _maxPixels)
            {
                throw new InputTooLargeException(string.Create(CultureInfo.InvariantCulture, $"'{path}' has a {frame.Width}x{frame.Height} frame; the most pixels a frame may have is {_maxPixels} (MultimodalOptions.MaxImagePixels)."), (long)frame.Width * frame.Height, _maxPixels);
            }

            int size = frame.Width * frame.Height * 3;
            Memory<byte> pixels;
            if (options.ReuseFrameBuffer)
            {
                // One buffer for the whole call, grown only if the frame size changes mid-stream: the caller was told
                // the pixels live until the next frame is asked for.
                if (shared is null || shared.Length < size)
                {
                    shared = GC.AllocateUninitializedArray<byte>(size);
                }

                pixels = shared.AsMemory(0, size);
            }
            else
            {
                pixels = GC.AllocateUninitializedArray<byte>(size);
            }

            await run.ReadPixelsAsync(pixels, cancellationToken).ConfigureAwait(false);
            var time = TimeSpan.FromSeconds(Math.Max(0, frame.Seconds));
            yield return new VideoFrame(time, index, ImageData.FromPixels(pixels, frame.Width, frame.Height, string.Create(CultureInfo.InvariantCulture, $"{path} at {time.TotalSeconds:F3} s")));
            index++;
        }

        run.ThrowIfFailed();
        if (index == 0)
        {
            throw new InputDecodeException($"'{path}' gave no video frames ({options}).");
        }
    }

    /// <summary>The frame indices of <c>numpy.linspace(0, total - 1, count).astype(int)</c>, as Hugging Face video processors sample.</summary>
    internal static long[] UniformIndices(long total, int count)
    {
        var indices = new long[count];
        if (count == 1)
        {
            return indices;
        }

        double step = (double)(total - 1) / (count - 1);
        for (int i = 0; i < count; i++)
        {
            indices[i] = i == count - 1 ? total - 1 : (long)(i * step);
        }

        return indices;
    }

    private static string CheckFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string file = Path.GetFullPath(path);
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"Video file '{path}' does not exist.", path);
        }

        return file;
    }

    // Containers that state no frame count (WebM, MKV, GIF): count the packets (a demux pass, no decoding).
    private static async Task<long> CountFramesAsync(string ffprobe, string file, string path, ProbeEntry entry, CancellationToken cancellationToken)
    {
        string text = await RunToEndAsync(ffprobe, ["-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", "file:" + file], path, cancellationToken).ConfigureAwait(false);
        long count = long.TryParse(text.Trim().TrimEnd(','), NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) ? n : 0;
        entry.CountedFrames = count;
        return count;
    }

    // The probe of a file, remembered while its length and last write time stay the same: ProbeAsync followed by
    // ReadFramesAsync (what every pipeline does) runs ffprobe once, not twice. Remembered under the full path and the
    // caller's spelling of it, so the VideoInfo handed back names the path as the caller gave it.
    private async Task<ProbeEntry> ProbeEntryAsync(string path, string file, CancellationToken cancellationToken)
    {
        var stat = new FileInfo(file);
        long length = stat.Length;
        var written = stat.LastWriteTimeUtc;
        if (_probes.TryGetValue((file, path), out var known) && known.Length == length && known.Written == written)
        {
            return known;
        }

        var (_, ffprobe) = FfmpegTools.Locate(_configuredPath);
        string json = await RunToEndAsync(ffprobe, ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", "file:" + file], path, cancellationToken).ConfigureAwait(false);
        var entry = new ProbeEntry(length, written, VideoProbe.Parse(path, json));
        if (_probes.Count >= MaxRememberedProbes)
        {
            _probes.Clear();
        }

        _probes[(file, path)] = entry;
        return entry;
    }

    private static async Task<string> RunToEndAsync(string program, IReadOnlyList<string> args, string path, CancellationToken cancellationToken)
    {
        using var process = StartProcess(program, args, path);
        using var kill = cancellationToken.Register(() => Kill(process));
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        string output = await stdout.ConfigureAwait(false);
        string error = (await stderr.ConfigureAwait(false)).Trim();
        if (process.ExitCode != 0)
        {
            throw new InputDecodeException($"Cannot read video '{path}': {Path.GetFileName(program)} says {(error.Length > 0 ? Tail(error) : "nothing (exit code " + process.ExitCode.ToString(CultureInfo.InvariantCulture) + ")")}");
        }

        return output;
    }

    private static Process StartProcess(string program, IReadOnlyList<string> args, string path)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardErrorEncoding = Encoding.UTF8,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        try
        {
            return Process.Start(start) ?? throw new InputDecodeException($"Cannot read video '{path}': '{program}' did not start.");
        }
        catch (Win32Exception e)
        {
            throw new InputDecodeException($"Cannot read video '{path}': '{program}' could not be started ({e.Message}); {FfmpegTools.InstallHint}.", e);
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static string Tail(string text) => text.Length > MaxStderrChars ? text[^MaxStderrChars..] : text;

    /// <summary>A remembered probe: valid while the file keeps its length and last write time.</summary>
    private sealed class ProbeEntry(long length, DateTime written, VideoInfo info)
    {
        public long Length { get; } = length;

        public DateTime Written { get; } = written;

        public VideoInfo Info { get; } = info;

        /// <summary>Gets or sets the counted packets, for containers that state no frame count (set once, the same value by any racer).</summary>
        public long? CountedFrames { get; set; }
    }

    /// <summary>What showinfo says about one output frame.</summary>
    private readonly record struct FrameInfo(double Seconds, int Width, int Height);

    /// <summary>
    /// One ffmpeg run: raw frames on stdout, their showinfo lines on stderr. A task reads stderr into a channel, so the
    /// frame reader never waits on a pipe ffmpeg is blocked writing (showinfo logs a frame before it is written, and
    /// ffmpeg cannot run further ahead than the stdout pipe holds).
    /// </summary>
    private sealed class FrameProcess : IDisposable
    {
        private readonly Process _process;
        private readonly Stream _stdout;
        private readonly string _path;
        private readonly Channel<FrameInfo> _frames = Channel.CreateUnbounded<FrameInfo>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        private readonly StringBuilder _log = new();
        private readonly Task _stderr;

        private FrameProcess(Process process, string path)
        {
            _process = process;
            _path = path;
            _stdout = process.StandardOutput.BaseStream;
            PipeBuffer.TryGrow(_stdout);
            _stderr = Task.Run(ReadStderrAsync);
        }

        public static FrameProcess Start(string ffmpeg, IReadOnlyList<string> args, string path) => new(StartProcess(ffmpeg, args, path), path);

        public async Task<FrameInfo?> NextFrameInfoAsync(CancellationToken cancellationToken)
        {
            if (await _frames.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false) && _frames.Reader.TryRead(out var info))
            {
                return info;
            }

            return null;
        }

        public async Task ReadPixelsAsync(Memory<byte> destination, CancellationToken cancellationToken)
        {
            try
            {
                await _stdout.ReadExactlyAsync(destination, cancellationToken).ConfigureAwait(false);
            }
            catch (EndOfStreamException e)
            {
                ThrowIfFailed();
                throw new InputDecodeException($"Cannot read video '{_path}': ffmpeg stopped in the middle of a frame.", e);
            }
        }

        public void ThrowIfFailed()
        {
            _process.WaitForExit();
            _stderr.Wait(TimeSpan.FromSeconds(10));
            if (_process.ExitCode != 0)
            {
                string log;
                lock (_log)
                {
                    log = _log.ToString().Trim();
                }

                throw new InputDecodeException($"Cannot read video '{_path}': ffmpeg exited with code {_process.ExitCode.ToString(CultureInfo.InvariantCulture)}{(log.Length > 0 ? ": " + Tail(log) : ".")}");
            }
        }

        public void Dispose()
        {
            Kill(_process);
            try
            {
                _stderr.Wait(TimeSpan.FromSeconds(10));
            }
            catch (AggregateException)
            {
                // The pipe broke as ffmpeg was killed.
            }

            _process.Dispose();
        }

        private async Task ReadStderrAsync()
        {
            try
            {
                while (await _process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
                {
                    if (line.Contains("Parsed_showinfo", StringComparison.Ordinal))
                    {
                        var m = ShowInfoLine().Match(line);
                        if (m.Success)
                        {
                            _frames.Writer.TryWrite(new FrameInfo(
                                double.Parse(m.Groups[1].ValueSpan, NumberStyles.Float, CultureInfo.InvariantCulture),
                                int.Parse(m.Groups[2].ValueSpan, CultureInfo.InvariantCulture),
                                int.Parse(m.Groups[3].ValueSpan, CultureInfo.InvariantCulture)));
                        }

                        continue;
                    }

                    // Everything else is ffmpeg's own report: its tail is the reason for a failure.
                    lock (_log)
                    {
                        _log.AppendLine(line);
                        if (_log.Length > 2 * MaxStderrChars)
                        {
                            _log.Remove(0, _log.Length - MaxStderrChars);
                        }
                    }
                }
            }
            finally
            {
                _frames.Writer.TryComplete();
            }
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\bn:\s*\d+\s+pts:\s*-?\d+\s+pts_time:(-?[0-9.eE+-]+)\s.*?\bs:(\d+)x(\d+)")]
    private static partial System.Text.RegularExpressions.Regex ShowInfoLine();
}

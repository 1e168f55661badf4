using System.Diagnostics;
using System.Globalization;
using Multimodal.Sdk;

// tools/bench/video.sh runs this; numbers go to docs/bench/video.md.
//   decode FILE N REPEAT        SDK uniform N frames and every frame vs plain ffmpeg extracting the same frames, same run
//   e2e FILE MODELS             describe (VLM + storyboard) and ask: seconds per minute of video
//   memory FILE MODELS          every frame streamed, then CLIP every 10 s: peak working set and managed heap
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
string mode = args[0];
string file = args[1];
var decoder = new FfmpegVideoDecoder();
var info = await decoder.ProbeAsync(file);
Console.WriteLine($"file {file}: {info.Duration.TotalSeconds:F1} s, {info.Width}x{info.Height}, {info.FrameRate:0.##} fps, {info.FrameCount} frames; load {File.ReadAllText("/proc/loadavg").Trim()}");

if (mode == "decode")
{
    int n = int.Parse(args[2], CultureInfo.InvariantCulture);
    int repeat = int.Parse(args[3], CultureInfo.InvariantCulture);
    long total = info.FrameCount ?? 0;
    string select = string.Join('+', FfmpegUniform(total, n).Distinct().Select(i => $"eq(n\\,{i})"));
    // Two SDK variants per row, alternated with plain ffmpeg so load changes hit all alike; best of REPEAT each.
    //   uniform: a fresh decoder (ffprobe + ffmpeg, what a first call costs) and the probe remembered (ffmpeg only);
    //   every frame: each frame in its own array (the default) and one reused buffer (ReuseFrameBuffer).
    var reuse = VideoSamplingOptions.AllFrames();
    reuse.ReuseFrameBuffer = true;
    foreach (var (name, filter, variants) in new[]
    {
        ($"uniform {n}", $"select='{select}',format=rgb24", new (string, Func<FfmpegVideoDecoder>, VideoSamplingOptions)[]
        {
            ("first call (ffprobe + ffmpeg)", () => new FfmpegVideoDecoder(), VideoSamplingOptions.Uniform(n)),
            ("probe remembered", () => decoder, VideoSamplingOptions.Uniform(n)),
        }),
        ("every frame", "format=rgb24", new (string, Func<FfmpegVideoDecoder>, VideoSamplingOptions)[]
        {
            ("own arrays", () => decoder, VideoSamplingOptions.AllFrames()),
            ("reused buffer", () => decoder, reuse),
        }),
    })
    {
        var sdk = new double[variants.Length];
        Array.Fill(sdk, double.MaxValue);
        double plain = double.MaxValue, plainBig = double.MaxValue;
        int frames = 0;
        for (int r = 0; r < repeat; r++)
        {
            for (int v = 0; v < variants.Length; v++)
            {
                var watch = Stopwatch.StartNew();
                frames = 0;
                await foreach (var frame in variants[v].Item2().ReadFramesAsync(file, variants[v].Item3))
                {
                    frames++;
                }

                sdk[v] = Math.Min(sdk[v], watch.Elapsed.TotalSeconds);
            }

            var plainWatch = Stopwatch.StartNew();
            long bytes = PlainFfmpeg(file, filter, bigPipe: false);
            plain = Math.Min(plain, plainWatch.Elapsed.TotalSeconds);
            plainWatch.Restart();
            long bigBytes = PlainFfmpeg(file, filter, bigPipe: true);
            plainBig = Math.Min(plainBig, plainWatch.Elapsed.TotalSeconds);
            if (bigBytes != bytes)
            {
                throw new InvalidOperationException($"plain ffmpeg wrote {bytes} bytes, then {bigBytes}");
            }
            if (bytes != (long)frames * info.Width * info.Height * 3)
            {
                throw new InvalidOperationException($"plain ffmpeg wrote {bytes} bytes, the SDK read {frames} frames");
            }
        }

        Console.WriteLine($"{name}: {frames} frames; plain ffmpeg {plain:F3} s ({frames / plain:F1} frames/s), with a 1 MiB pipe {plainBig:F3} s ({frames / plainBig:F1} frames/s)");
        for (int v = 0; v < variants.Length; v++)
        {
            Console.WriteLine($"  SDK {variants[v].Item1}: {sdk[v]:F3} s ({frames / sdk[v]:F1} frames/s); SDK/ffmpeg throughput {plain / sdk[v]:F2}, SDK/ffmpeg-1MiB-pipe {plainBig / sdk[v]:F2}");
        }
    }
}
else if (mode == "e2e")
{
    string models = args[2];
    double minutes = info.Duration.TotalMinutes;
    using var qa = new VideoQa(Path.Combine(models, "tiny-video-vlm"));
    using var storyboard = new VideoCaptioner(Path.Combine(models, "tiny-captioner"));
    await qa.DescribeAsync(file); // load and warm
    var watch = Stopwatch.StartNew();
    string description = await qa.DescribeAsync(file);
    double describeVlm = watch.Elapsed.TotalSeconds;
    watch.Restart();
    var board = await storyboard.CaptionAsync(file);
    double describeBoard = watch.Elapsed.TotalSeconds;
    watch.Restart();
    var answers = await qa.AnswerAsync(file, ["what appears?", "how many shapes are there?", "what disappears?"]);
    double ask = watch.Elapsed.TotalSeconds;
    Console.WriteLine($"describe: VLM {describeVlm:F2} s + storyboard ({board.Entries.Count} entries, one frame a second) {describeBoard:F2} s = {(describeVlm + describeBoard) / minutes:F2} s per minute of video; \"{description}\"");
    Console.WriteLine($"ask (3 questions, one video encoding): {ask:F2} s = {ask / minutes:F2} s per minute of video; {string.Join(" | ", answers.Select(a => a.Answer))}");
}
else if (mode == "memory")
{
    string models = args[2];
    var watch = Stopwatch.StartNew();
    long frames = 0;
    long peakHeap = 0;
    await foreach (var frame in decoder.ReadFramesAsync(file, VideoSamplingOptions.AllFrames()))
    {
        if (++frames % 1000 == 0)
        {
            peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
        }
    }

    double decode = watch.Elapsed.TotalSeconds;
    using var process = Process.GetCurrentProcess();
    process.Refresh();
    Console.WriteLine($"every frame streamed: {frames} frames in {decode:F1} s ({frames / decode:F0} frames/s); peak working set {process.PeakWorkingSet64 / 1048576.0:F0} MiB, managed heap at most {peakHeap / 1048576.0:F0} MiB");
    watch.Restart();
    using var encoder = new ClipVideoEncoder(Path.Combine(models, "tiny-clip"));
    var video = await encoder.EmbedVideoAsync(file, new VideoEmbeddingOptions { Sampling = VideoSamplingOptions.Every(TimeSpan.FromSeconds(10)), SegmentLength = TimeSpan.FromMinutes(5) });
    process.Refresh();
    Console.WriteLine($"CLIP every 10 s: {video.Frames.Count} frame embeddings, {video.Segments.Count} five-minute segments in {watch.Elapsed.TotalSeconds:F1} s; peak working set {process.PeakWorkingSet64 / 1048576.0:F0} MiB");
}

static long[] FfmpegUniform(long total, int count)
{
    double step = (double)(total - 1) / (count - 1);
    return [.. Enumerable.Range(0, count).Select(i => i == count - 1 ? total - 1 : (long)(i * step))];
}

// The baseline: the same ffmpeg decode, filter and raw RGB24 output, read and discarded by a plain stream copy; with
// bigPipe, the pipe grown to 1 MiB as the SDK's decoder grows its own (like for like: what the SDK adds over ffmpeg).
static long PlainFfmpeg(string file, string filter, bool bigPipe)
{
    var start = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    foreach (var a in new[] { "-hide_banner", "-nostats", "-nostdin", "-loglevel", "error", "-i", file, "-map", "0:v:0", "-an", "-vf", filter, "-fps_mode", "passthrough", "-f", "rawvideo", "pipe:1" })
    {
        start.ArgumentList.Add(a);
    }

    using var process = Process.Start(start)!;
    var stderr = process.StandardError.ReadToEndAsync();
    long bytes = 0;
    int read;
    var stdout = process.StandardOutput.BaseStream;
    if (bigPipe && stdout is System.IO.Pipes.PipeStream pipe)
    {
        _ = Native.Fcntl(pipe.SafePipeHandle, 1031, 1 << 20); // F_SETPIPE_SZ
    }

    var buffer = new byte[1 << 20];
    while ((read = stdout.Read(buffer)) > 0)
    {
        bytes += read;
    }

    process.WaitForExit();
    return process.ExitCode == 0 ? bytes : throw new InvalidOperationException(stderr.Result);
}

internal static partial class Native
{
    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "fcntl")]
    internal static partial int Fcntl(Microsoft.Win32.SafeHandles.SafePipeHandle fd, int command, int argument);
}

namespace Multimodal.Sdk.Video.Tests.Decoding;

[Collection(VideoCollection.Name)]
public sealed class FfmpegVideoDecoderTests(EdgeClips clips, VideoWorld world)
{
    private readonly FfmpegVideoDecoder _decoder = new();

    [Fact]
    public async Task ProbeReadsDurationFrameRateSizeAndStreams()
    {
        var info = await _decoder.ProbeAsync(clips.Mp4);
        Assert.Equal(2.0, info.Duration.TotalSeconds, 1);
        Assert.Equal(8.0, info.FrameRate, 3);
        Assert.Equal(16, info.FrameCount);
        Assert.Equal((64, 48), (info.Width, info.Height));
        Assert.Equal("h264", info.VideoCodec);
        Assert.True(info.HasAudio);
        Assert.False((await _decoder.ProbeAsync(clips.NoAudio)).HasAudio);
    }

    [Theory]
    [InlineData("webm", "vp9")]
    [InlineData("mkv", "h264")]
    [InlineData("mov", "h264")]
    [InlineData("gif", "gif")]
    public async Task EveryContainerStreamsAllItsFramesWithTimes(string container, string codec)
    {
        string path = container switch { "webm" => clips.Webm, "mkv" => clips.Mkv, "mov" => clips.Mov, _ => clips.Gif };
        var info = await _decoder.ProbeAsync(path);
        Assert.Equal(codec, info.VideoCodec);
        var frames = await ReadAsync(path, VideoSamplingOptions.AllFrames());
        Assert.Equal(16, frames.Count);

        // Times are presentation times from the container's start: a video stream may start a little after the audio
        // (encoder priming), and GIF delays are whole hundredths (0.12 / 0.13 s for 1/8 s).
        Assert.InRange(frames[0].Time.TotalSeconds, 0, 0.1);
        for (int i = 0; i < frames.Count; i++)
        {
            Assert.Equal(i / 8.0, (frames[i].Time - frames[0].Time).TotalSeconds, 0.011);
            Assert.Equal(i, frames[i].Index);
            Assert.Equal((64, 48), (frames[i].Image.Width, frames[i].Image.Height));
        }
    }

    [Fact]
    public async Task RotationMetadataGivesUprightFramesAndTheDisplaySize()
    {
        var info = await _decoder.ProbeAsync(clips.Rotated);
        Assert.Contains(info.Rotation, new[] { 90, 270 });
        Assert.Equal((48, 64), (info.Width, info.Height));
        var frame = (await ReadAsync(clips.Rotated, VideoSamplingOptions.Uniform(1)))[0];
        Assert.Equal((48, 64), (frame.Image.Width, frame.Image.Height));
    }

    [Fact]
    public async Task UniformSamplingPicksTheVideoProcessorsLinspaceIndices()
    {
        // numpy.linspace(0, 15, 5).astype(int) = [0, 3, 7, 11, 15]; frame i is at i / 8 s.
        Assert.Equal([0, 3, 7, 11, 15], FfmpegVideoDecoder.UniformIndices(16, 5));
        Assert.Equal([0, 0, 0, 1, 1, 2], FfmpegVideoDecoder.UniformIndices(3, 6));
        var frames = await ReadAsync(clips.Mp4, VideoSamplingOptions.Uniform(5));
        Assert.Equal(new[] { 0, 3, 7, 11, 15 }.Select(i => i / 8.0), frames.Select(f => Math.Round(f.Time.TotalSeconds, 3)));

        // A WebM states no frame count: the packets are counted instead.
        var webm = await ReadAsync(clips.Webm, VideoSamplingOptions.Uniform(5));
        Assert.Equal(new[] { 0, 3, 7, 11, 15 }.Select(i => i / 8.0), webm.Select(f => Math.Round((f.Time - webm[0].Time).TotalSeconds, 3)));
    }

    [Fact]
    public async Task IntervalSamplingTakesTheFirstFrameOfEachPeriod()
    {
        var frames = await ReadAsync(clips.Mp4, VideoSamplingOptions.Every(TimeSpan.FromSeconds(0.5)));
        Assert.Equal([0.0, 0.5, 1.0, 1.5], frames.Select(f => Math.Round(f.Time.TotalSeconds, 3)));
    }

    [Fact]
    public async Task KeyframeAndSceneSamplingReturnTheFirstFrameAtLeast()
    {
        var keys = await ReadAsync(clips.Mp4, new VideoSamplingOptions { Mode = FrameSampling.Keyframes });
        Assert.Equal(TimeSpan.Zero, keys[0].Time);
        Assert.True(keys.Count < 16);
        var scenes = await ReadAsync(clips.Mp4, new VideoSamplingOptions { Mode = FrameSampling.SceneChange, SceneThreshold = 0.9 });
        Assert.Equal(TimeSpan.Zero, scenes[0].Time);
    }

    [Fact]
    public async Task DecodedPixelsAreTheZooWorldsFrames()
    {
        // The world draws a still object at the same place in every frame: its box centre has its colour throughout.
        var clip = world.Clips.First(c => VideoWorld.Objects(c).Any(o => o.GetProperty("motion").GetString() == "still" && o.GetProperty("event").ValueKind == System.Text.Json.JsonValueKind.Null));
        var frames = await ReadAsync(world.PathOf(clip), VideoSamplingOptions.AllFrames());
        Assert.Equal(clip.GetProperty("frames").GetInt32(), frames.Count);
        Assert.Equal((clip.GetProperty("width").GetInt32(), clip.GetProperty("height").GetInt32()), (frames[0].Image.Width, frames[0].Image.Height));
        Assert.Equal(clip.GetProperty("duration").GetDouble() - 0.125, frames[^1].Time.TotalSeconds, 3);
    }

    [Fact]
    public async Task DamagedFilesRaiseInputDecodeException()
    {
        foreach (var path in new[] { clips.Truncated, clips.Empty, clips.NotVideo })
        {
            var e = await Assert.ThrowsAsync<InputDecodeException>(() => ReadAsync(path, VideoSamplingOptions.AllFrames()));
            Assert.Contains(Path.GetFileName(path), e.Message, StringComparison.Ordinal);
        }

        await Assert.ThrowsAsync<FileNotFoundException>(() => _decoder.ProbeAsync(Path.Combine(clips.Directory, "missing.mp4")));
    }

    [Fact]
    public async Task MissingFfmpegSaysHowToInstallIt()
    {
        var decoder = new FfmpegVideoDecoder(new MultimodalOptions { FfmpegPath = "/nonexistent/ffmpeg" });
        var e = await Assert.ThrowsAsync<InputDecodeException>(() => decoder.ProbeAsync(clips.Mp4));
        Assert.Contains("apt-get install ffmpeg", e.Message, StringComparison.Ordinal);
        Assert.Contains("tools/fetch-test-assets.sh", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LimitsAreCheckedBeforeDecoding()
    {
        var small = new FfmpegVideoDecoder(new MultimodalOptions { MaxImagePixels = 1000 });
        await Assert.ThrowsAsync<InputTooLargeException>(() => small.ProbeAsync(clips.Mp4));
        var shortOnly = new FfmpegVideoDecoder(new MultimodalOptions { Limits = new InputLimits { MaxVideoDuration = TimeSpan.FromSeconds(1) } });
        await Assert.ThrowsAsync<InputTooLargeException>(() => shortOnly.ProbeAsync(clips.Mp4));
    }

    [Fact]
    public async Task StoppingEarlyOrCancellingEndsTheDecoder()
    {
        await foreach (var frame in _decoder.ReadFramesAsync(clips.Mp4, VideoSamplingOptions.AllFrames()))
        {
            Assert.Equal(0, frame.Index);
            break;
        }

        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ReadAsync(clips.Mp4, VideoSamplingOptions.AllFrames(), cts.Token));
    }

    [Fact]
    public async Task FramesOwnTheirPixelsByDefaultAndStayValidAfterLaterFramesAreRead()
    {
        var frames = new List<VideoFrame>();
        var seen = new List<byte[]>();
        await foreach (var frame in _decoder.ReadFramesAsync(clips.NoAudio, VideoSamplingOptions.AllFrames()))
        {
            frames.Add(frame);
            seen.Add(frame.Image.RgbPixels.ToArray());
        }

        // testsrc draws a counter: consecutive frames differ, so a shared buffer would show up as changed pixels.
        Assert.Equal(16, frames.Count);
        Assert.NotEqual(seen[0], seen[1]);
        for (int i = 0; i < frames.Count; i++)
        {
            Assert.True(seen[i].AsSpan().SequenceEqual(frames[i].Image.RgbPixels.Span), $"frame {i}'s pixels changed after later frames were read");
        }
    }

    [Fact]
    public async Task AReusedFrameBufferHoldsEachFramesPixelsUntilTheNextFrameIsRead()
    {
        var owned = (await ReadAsync(clips.NoAudio, VideoSamplingOptions.AllFrames())).Select(f => f.Image.RgbPixels.ToArray()).ToList();
        var options = VideoSamplingOptions.AllFrames();
        options.ReuseFrameBuffer = true;
        var buffers = new HashSet<byte[]>(ReferenceEqualityComparer.Instance);
        VideoFrame? first = null;
        int count = 0;
        await foreach (var frame in _decoder.ReadFramesAsync(clips.NoAudio, options))
        {
            Assert.True(owned[count].AsSpan().SequenceEqual(frame.Image.RgbPixels.Span), $"frame {count} differs from the same frame read into its own array");
            Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(frame.Image.RgbPixels, out var segment));
            buffers.Add(segment.Array!);
            first ??= frame;
            count++;
        }

        Assert.Equal(owned.Count, count);
        Assert.Single(buffers);

        // As documented: an earlier frame's pixels are overwritten by the later frames (here the last one).
        Assert.True(owned[^1].AsSpan().SequenceEqual(first!.Image.RgbPixels.Span));
    }

    [Fact]
    public async Task AProbedFileIsNotProbedAgainToDecodeItUntilItChanges()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // The counting ffprobe is a shell script.
        }

        // ffprobe behind a script that counts its runs; ffmpeg beside it as FfmpegPath asks.
        string bin = Directory.CreateTempSubdirectory("mm-ffprobe-count-").FullName;
        try
        {
            string log = Path.Combine(bin, "runs.log");
            string video = Path.Combine(bin, "clip.mp4");
            File.Copy(clips.NoAudio, video);
            File.CreateSymbolicLink(Path.Combine(bin, "ffmpeg"), Which("ffmpeg"));
            string probe = Path.Combine(bin, "ffprobe");
            File.WriteAllText(probe, $"#!/bin/sh\necho run >> '{log}'\nexec '{Which("ffprobe")}' \"$@\"\n");
            File.SetUnixFileMode(probe, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var decoder = new FfmpegVideoDecoder(new MultimodalOptions { FfmpegPath = Path.Combine(bin, "ffmpeg") });
            int Runs() => File.Exists(log) ? File.ReadAllLines(log).Length : 0;

            Assert.Equal(16, (await decoder.ProbeAsync(video)).FrameCount);
            await foreach (var frame in decoder.ReadFramesAsync(video, VideoSamplingOptions.Uniform(4)))
            {
                Assert.Equal(48, frame.Image.Height);
            }

            Assert.Equal(1, Runs());

            // Another clip written over the same path: a new length, so the probe runs again and sees it.
            File.Copy(clips.Rotated, video, overwrite: true);
            File.SetLastWriteTimeUtc(video, DateTime.UtcNow.AddMinutes(1));
            Assert.Equal((48, 64), ((await decoder.ProbeAsync(video)).Width, (await decoder.ProbeAsync(video)).Height));
            Assert.Equal(2, Runs());
        }
        finally
        {
            Directory.Delete(bin, recursive: true);
        }
    }

    [Fact]
    public void TheFramePipeIsGrownToTakeSeveralFramesOnLinux()
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(Which("ffmpeg"), "-version") { RedirectStandardOutput = true })!;
        Assert.Equal(OperatingSystem.IsLinux(), PipeBuffer.TryGrow(process.StandardOutput.BaseStream));
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
    }

    private static string Which(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Select(d => Path.Combine(d, program)).First(File.Exists);

    private async Task<List<VideoFrame>> ReadAsync(string path, VideoSamplingOptions options, CancellationToken cancellationToken = default)
    {
        var frames = new List<VideoFrame>();
        await foreach (var frame in _decoder.ReadFramesAsync(path, options, cancellationToken))
        {
            frames.Add(frame);
        }

        return frames;
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using Multimodal.Sdk.Video.Tests;

namespace Multimodal.Sdk.Retrieval.Postgres.Tests.VideoMoments;

/// <summary>
/// Three 3-second clips of the video world's kind (128x128, 8 fps, white background, one small square, H.264) made with
/// ffmpeg's lavfi sources in a temporary folder, and the tiny CLIP as their video encoder: a red square that appears at
/// 1.25 s, a blue square that disappears at 1.5 s, and a green square that stays still. The tests add the same clips to
/// many stores; each clip and sampling is decoded and embedded once (the tests are about the stores).
/// </summary>
public sealed class GeneratedVideos : IDisposable
{
    public GeneratedVideos()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("mm-video-pg-tests-").FullName;
        Make(RedAppears, "0xDC1E1E", "gte(t,1.25)");
        Make(BlueDisappears, "0x1E46DC", "lt(t,1.5)");
        Make(GreenStill, "0x1EAA3C", "1");
        Encoder = new CachingVideoEncoder(new ClipVideoEncoder(Path.Combine(RepoPaths.Root, "models", "tiny-clip")));
    }

    public string Directory { get; }

    /// <summary>A red square visible from 1.25 s (frame 10) on.</summary>
    public string RedAppears => Path.Combine(Directory, "red-appears.mp4");

    /// <summary>A blue square visible until 1.5 s (frame 12).</summary>
    public string BlueDisappears => Path.Combine(Directory, "blue-disappears.mp4");

    /// <summary>A green square for the whole clip.</summary>
    public string GreenStill => Path.Combine(Directory, "green-still.mp4");

    public IReadOnlyList<string> All => [RedAppears, BlueDisappears, GreenStill];

    /// <summary>Every clip is 3 s at 8 fps.</summary>
    public const int FramesPerClip = 24;

    public IVideoEncoder Encoder { get; }

    public void Dispose()
    {
        Encoder.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>Embeds each clip and sampling once; texts go to the real encoder every time.</summary>
    private sealed class CachingVideoEncoder(IVideoEncoder inner) : DelegatingVideoEncoder(inner)
    {
        private readonly ConcurrentDictionary<string, Task<VideoEmbedding>> _videos = new(StringComparer.Ordinal);

        public override Task<VideoEmbedding> EmbedVideoAsync(string path, VideoEmbeddingOptions? options = null, CancellationToken cancellationToken = default)
        {
            var s = options?.Sampling;
            string key = string.Create(CultureInfo.InvariantCulture, $"{path}|{s?.Mode}|{s?.FrameCount}|{s?.Interval.Ticks}|{s?.SceneThreshold:R}|{s?.MaxFrames}");
            return _videos.GetOrAdd(key, _ => base.EmbedVideoAsync(path, options, CancellationToken.None));
        }
    }

    private static void Make(string path, string colour, string visible)
    {
        string filter = string.Create(CultureInfo.InvariantCulture, $"drawbox=x=52:y=52:w=24:h=24:color={colour}:t=fill:enable='{visible}'");
        ToolRunner.Ffmpeg("-f", "lavfi", "-i", "color=c=0xF5F5F5:size=128x128:rate=8:duration=3", "-vf", filter, "-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", "18", path);
    }
}

using System.Reflection;
using System.Text.Json;

namespace Multimodal.Sdk.Video.Tests;

/// <summary>The bundled models, and ffmpeg / the zoo generator run from the repository root for the clips the tests make.</summary>
internal static class TestData
{
    public static string Root { get; } = typeof(TestData).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepoRoot").Value!;

    public static string Model(string name) => Path.Combine(Root, "models", name);

    /// <summary>Runs a program to completion in the repository root; a failure throws with its stderr.</summary>
    public static void Run(string program, params string[] args) => ToolRunner.Run(Root, program, args);

    /// <summary>ffmpeg with a lavfi source: <c>Ffmpeg("-f", "lavfi", "-i", ..., out)</c>.</summary>
    public static void Ffmpeg(params string[] args) => ToolRunner.Ffmpeg(args);
}

/// <summary>
/// Clips of the zoo's video world (tools/zoo/video/world.py, seed 4242), generated once per run into
/// <c>.zoo-data/video-tests</c>, with their labels: the ground truth the meaning checks compare with.
/// </summary>
public class VideoWorld
{
    public const int Seed = 4242;
    public const int Count = 16;

    public VideoWorld()
        : this(Seed, Count, [])
    {
    }

    protected VideoWorld(int seed, int count, string[] generatorOptions)
    {
        string variant = string.Concat(generatorOptions.Select(o => o.Replace("--", "-", StringComparison.Ordinal)));
        Directory = Path.Combine(TestData.Root, ".zoo-data", $"video-tests-{seed}-{count}{variant}");
        string labels = Path.Combine(Directory, "labels.jsonl");
        if (!File.Exists(labels))
        {
            string scratch = Directory + ".partial";
            if (System.IO.Directory.Exists(scratch))
            {
                System.IO.Directory.Delete(scratch, recursive: true);
            }

            TestData.Run("/usr/bin/python3", ["tools/zoo/video/world.py", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--count", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "--workers", "2", "--out", scratch, .. generatorOptions]);
            System.IO.Directory.Move(scratch, Directory);
        }

        Clips = [.. File.ReadLines(labels).Select(l => JsonDocument.Parse(l).RootElement)];
    }

    public string Directory { get; }

    public IReadOnlyList<JsonElement> Clips { get; }

    public string PathOf(JsonElement clip) => Path.Combine(Directory, clip.GetProperty("file").GetString()!);

    public static IReadOnlyList<JsonElement> Objects(JsonElement clip) => [.. clip.GetProperty("objects").EnumerateArray()];

    public static string Name(JsonElement obj) => $"{obj.GetProperty("colour").GetString()} {obj.GetProperty("shape").GetString()}";
}

/// <summary>
/// Clips of two objects of one shape, one still and one moving (world.py --same-shape, seed 4343): the pairs whose
/// motion a model can give to the wrong object when only the colour tells them apart.
/// </summary>
public sealed class SameShapeVideoWorld() : VideoWorld(4343, 16, ["--same-shape"]);

/// <summary>Edge-case clips made with ffmpeg's lavfi sources in a temporary folder: containers, rotation, audio, damage.</summary>
public sealed class EdgeClips : IDisposable
{
    public EdgeClips()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("mm-video-tests-").FullName;

        // 2 s at 8 fps, 64x48, a counter pattern; a 440 Hz tone where there is audio.
        string[] video = ["-f", "lavfi", "-i", "testsrc=size=64x48:rate=8:duration=2"];
        string[] tone = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000:duration=2"];
        TestData.Ffmpeg([.. video, .. tone, "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", Mp4]);
        TestData.Ffmpeg([.. video, "-pix_fmt", "yuv420p", NoAudio]);
        TestData.Ffmpeg([.. video, .. tone, "-c:v", "libvpx-vp9", "-c:a", "libvorbis", "-shortest", Webm]);
        TestData.Ffmpeg([.. video, .. tone, "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", Mkv]);
        TestData.Ffmpeg([.. video, "-pix_fmt", "yuv420p", Mov]);
        TestData.Ffmpeg([.. video, Gif]);

        // A portrait phone clip: stored 64x48 with a display matrix asking for a 90 degree turn.
        TestData.Ffmpeg(["-i", NoAudio, "-c", "copy", "-metadata:s:v:0", "rotate=90", Rotated]);

        var bytes = File.ReadAllBytes(NoAudio);
        File.WriteAllBytes(Truncated, bytes[..(bytes.Length / 2)]);
        File.WriteAllBytes(Empty, []);
        File.WriteAllBytes(NotVideo, "this is not a video at all, just text that ends here"u8.ToArray());
    }

    public string Directory { get; }

    public string Mp4 => Path.Combine(Directory, "clip.mp4");

    public string NoAudio => Path.Combine(Directory, "silent.mp4");

    public string Webm => Path.Combine(Directory, "clip.webm");

    public string Mkv => Path.Combine(Directory, "clip.mkv");

    public string Mov => Path.Combine(Directory, "clip.mov");

    public string Gif => Path.Combine(Directory, "clip.gif");

    public string Rotated => Path.Combine(Directory, "rotated.mp4");

    public string Truncated => Path.Combine(Directory, "truncated.mp4");

    public string Empty => Path.Combine(Directory, "empty.mp4");

    public string NotVideo => Path.Combine(Directory, "not-video.mp4");

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

[CollectionDefinition(Name)]
public sealed class VideoCollection : ICollectionFixture<VideoWorld>, ICollectionFixture<EdgeClips>
{
    public const string Name = "video clips";
}

using System.Globalization;

namespace Multimodal.Sdk;

/// <summary>Sizes of inputs and outputs for log lines: counts, bytes, durations; never content.</summary>
internal static class Describe
{
    public static string Images(IReadOnlyList<ImageData>? images)
    {
        if (images is null)
        {
            return "no images";
        }

        long encoded = 0;
        long pixels = 0;
        int files = 0;
        foreach (var image in images)
        {
            if (image is null)
            {
                continue;
            }

            encoded += image.EncodedBytes.Length;
            pixels += (long)image.Width * image.Height;
            files += image.FilePath is null ? 0 : 1;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{images.Count} image(s) ({files} file(s), {encoded} encoded byte(s), {pixels} raw pixel(s))");
    }

    public static string Image(ImageData? image) => Images(image is null ? null : [image]);

    public static string Texts(IReadOnlyList<string>? texts) =>
        texts is null ? "no texts" : string.Create(CultureInfo.InvariantCulture, $"{texts.Count} text(s) ({texts.Sum(t => t?.Length ?? 0)} char(s))");

    public static string Audio(AudioData? audio) =>
        audio is null ? "no audio" : string.Create(CultureInfo.InvariantCulture, $"{audio.Duration.TotalSeconds:F2} s of audio ({audio.Samples.Length} sample(s) at {audio.SampleRate} Hz)");

    public static string Stream(Stream? audio) =>
        audio is null ? "no stream" : audio.CanSeek ? string.Create(CultureInfo.InvariantCulture, $"an audio stream ({audio.Length - audio.Position} byte(s) left)") : "an audio stream (length unknown)";

    public static string Span(TimeSpan start, TimeSpan end) =>
        string.Create(CultureInfo.InvariantCulture, $"{start.TotalSeconds:F2}-{end.TotalSeconds:F2} s");
}

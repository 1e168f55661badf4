using System.Globalization;
using System.Text.Json;

namespace Multimodal.Sdk;

/// <summary>Reads <c>ffprobe -print_format json -show_format -show_streams</c> output into a <see cref="VideoInfo"/>.</summary>
/// <remarks>Stateless; safe for concurrent use.</remarks>
internal static class VideoProbe
{
    /// <exception cref="InputDecodeException">The output is not ffprobe's JSON, or the file has no video stream.</exception>
    public static VideoInfo Parse(string path, string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InputDecodeException($"Cannot read video '{path}': ffprobe's report does not parse ({e.Message}).", e);
        }

        using (document)
        {
            var root = document.RootElement;
            var streams = new List<MediaStreamInfo>();
            JsonElement? video = null;
            if (root.TryGetProperty("streams", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var s in list.EnumerateArray())
                {
                    string kind = Str(s, "codec_type") ?? "data";
                    streams.Add(new MediaStreamInfo(s.TryGetProperty("index", out var i) && i.TryGetInt32(out int n) ? n : streams.Count, kind, Str(s, "codec_name")));
                    bool attachedPicture = s.TryGetProperty("disposition", out var d) && d.TryGetProperty("attached_pic", out var a) && a.ValueKind == JsonValueKind.Number && a.GetInt32() == 1;
                    if (kind == "video" && video is null && !attachedPicture)
                    {
                        video = s.Clone();
                    }
                }
            }

            if (video is not { } v)
            {
                throw new InputDecodeException($"Cannot read video '{path}': it has no video stream ({(streams.Count == 0 ? "no streams at all" : string.Join(", ", streams.Select(s => s.Kind)))}).");
            }

            root.TryGetProperty("format", out var format);
            int rotation = Rotation(v);
            int width = Int(v, "width");
            int height = Int(v, "height");
            if (rotation is 90 or 270)
            {
                (width, height) = (height, width);
            }

            double duration = Num(format, "duration") ?? Num(v, "duration") ?? 0;
            double fps = Rate(Str(v, "avg_frame_rate")) ?? Rate(Str(v, "r_frame_rate")) ?? 0;
            long? frames = long.TryParse(Str(v, "nb_frames"), NumberStyles.Integer, CultureInfo.InvariantCulture, out long nb) && nb > 0 ? nb : null;
            return new VideoInfo
            {
                Path = path,
                Container = format.ValueKind == JsonValueKind.Object ? Str(format, "format_name") : null,
                Duration = double.IsFinite(duration) && duration > 0 ? TimeSpan.FromSeconds(duration) : TimeSpan.Zero,
                FrameRate = fps,
                FrameCount = frames,
                Width = width,
                Height = height,
                Rotation = rotation,
                VideoCodec = Str(v, "codec_name"),
                Streams = streams,
            };
        }
    }

    // The display matrix (side data, newer ffmpeg) or the rotate tag (older files); normalized to 0/90/180/270.
    private static int Rotation(JsonElement stream)
    {
        double? degrees = null;
        if (stream.TryGetProperty("side_data_list", out var sides) && sides.ValueKind == JsonValueKind.Array)
        {
            foreach (var side in sides.EnumerateArray())
            {
                if (Num(side, "rotation") is { } r)
                {
                    degrees = r;
                }
            }
        }

        if (degrees is null && stream.TryGetProperty("tags", out var tags) && Num(tags, "rotate") is { } tag)
        {
            degrees = -tag;
        }

        int d = (int)Math.Round(degrees ?? 0);
        return ((d % 360) + 360) % 360;
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var p) ? p.ValueKind == JsonValueKind.String ? p.GetString() : p.ValueKind == JsonValueKind.Number ? p.GetRawText() : null : null;

    private static int Int(JsonElement e, string name) => e.TryGetProperty(name, out var p) && p.TryGetInt32(out int n) ? n : 0;

    private static double? Num(JsonElement e, string name) =>
        double.TryParse(Str(e, name), NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && double.IsFinite(x) ? x : null;

    private static double? Rate(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var parts = text.Split('/');
        return parts.Length == 2 && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double a) && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double b) && b > 0 && a > 0 ? a / b : null;
    }
}

using System.Globalization;
using System.Text;

namespace Multimodal.Sdk;

/// <summary>Writes recognized segments as subtitles: SubRip (<c>.srt</c>) and WebVTT (<c>.vtt</c>).</summary>
public static class Subtitles
{
    /// <summary>Formats segments as SubRip: numbered cues, <c>HH:MM:SS,mmm --&gt; HH:MM:SS,mmm</c>, blank-line separated.</summary>
    /// <param name="segments">The segments in time order; empty-text segments are skipped.</param>
    /// <returns>The SRT text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="segments"/> is <see langword="null"/>.</exception>
    public static string ToSrt(IEnumerable<SpeechSegment> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        var sb = new StringBuilder();
        int index = 1;
        foreach (var s in segments.Where(s => s.Text.Length > 0))
        {
            sb.Append(index++).Append('\n')
              .Append(Time(s.Start, ',')).Append(" --> ").Append(Time(s.End, ',')).Append('\n')
              .Append(s.Text).Append("\n\n");
        }

        return sb.ToString();
    }

    /// <summary>Formats segments as WebVTT: the <c>WEBVTT</c> header, then <c>HH:MM:SS.mmm --&gt; HH:MM:SS.mmm</c> cues.</summary>
    /// <param name="segments">The segments in time order; empty-text segments are skipped.</param>
    /// <returns>The WebVTT text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="segments"/> is <see langword="null"/>.</exception>
    public static string ToWebVtt(IEnumerable<SpeechSegment> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        var sb = new StringBuilder("WEBVTT\n\n");
        foreach (var s in segments.Where(s => s.Text.Length > 0))
        {
            sb.Append(Time(s.Start, '.')).Append(" --> ").Append(Time(s.End, '.')).Append('\n')
              .Append(s.Text).Append("\n\n");
        }

        return sb.ToString();
    }

    private static string Time(TimeSpan t, char separator)
    {
        long ms = (long)Math.Round(Math.Max(0, t.TotalMilliseconds));
        return string.Create(CultureInfo.InvariantCulture, $"{ms / 3_600_000:00}:{ms / 60_000 % 60:00}:{ms / 1000 % 60:00}{separator}{ms % 1000:000}");
    }
}

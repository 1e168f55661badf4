namespace Multimodal.Sdk;

/// <summary>
/// Splits one window's tokens into segments by their timestamp tokens and says where the next window starts, as
/// openai/whisper's <c>transcribe.py</c> does (and the project's reference <c>tools/zoo/speech/decode.py</c>).
/// </summary>
internal static class WhisperSegmenter
{
    /// <summary>A segment before text decoding: times in timestamp steps from the window start, and its tokens.</summary>
    public readonly record struct RawSegment(int StartStep, int EndStep, int From, int To);

    /// <summary>
    /// Splits <paramref name="tokens"/> (the end token removed). Returns the segments and the seek in timestamp steps
    /// from the window start, or <see langword="null"/> to move past the whole window.
    /// </summary>
    public static (List<RawSegment> Segments, int? Seek) Split(ReadOnlySpan<int> tokens, int timestampBegin)
    {
        var segments = new List<RawSegment>();
        int n = tokens.Length;
        bool singleEnd = n >= 2 && tokens[n - 1] >= timestampBegin && tokens[n - 2] < timestampBegin;
        var cuts = new List<int>();
        for (int i = 0; i + 1 < n; i++)
        {
            if (tokens[i] >= timestampBegin && tokens[i + 1] >= timestampBegin)
            {
                cuts.Add(i + 1);
            }
        }

        if (cuts.Count > 0)
        {
            if (singleEnd)
            {
                cuts.Add(n);
            }

            int last = 0;
            foreach (int cut in cuts)
            {
                segments.Add(new RawSegment(tokens[last] - timestampBegin, tokens[cut - 1] - timestampBegin, last, cut));
                last = cut;
            }

            return (segments, singleEnd ? null : tokens[last - 1] - timestampBegin);
        }

        // No boundary inside the window. Like Hugging Face (and the reference) the segment keeps its own timestamps,
        // and a window holding only the start of a cut utterance seeks to that start instead of skipping it.
        var stamps = new List<int>();
        bool hasText = false;
        for (int i = 0; i < n; i++)
        {
            if (tokens[i] >= timestampBegin)
            {
                stamps.Add(tokens[i] - timestampBegin);
            }
            else
            {
                hasText = true;
            }
        }

        if (hasText)
        {
            var (start, end) = stamps.Count >= 2 ? (stamps[^2], stamps[^1]) : (0, stamps.Count == 1 ? stamps[0] : 0);
            segments.Add(new RawSegment(start, end, 0, n));
            return (segments, null);
        }

        return (segments, stamps.Count == 1 && stamps[0] > 0 ? stamps[0] : null);
    }
}

namespace Multimodal.Sdk;

/// <summary>Per-call settings of <see cref="VideoMomentIndex.FindMomentsAsync"/>.</summary>
/// <remarks>Not safe for concurrent mutation; <see cref="Clone"/> before changing a shared instance.</remarks>
public sealed class VideoMomentSearchOptions
{
    private int _top = 10;
    private int _candidateFrames = 256;

    /// <summary>Gets or sets the most moments returned, best first, over all videos; at least 1 (default 10).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int Top
    {
        get => _top;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _top = value;
        }
    }

    /// <summary>
    /// Gets or sets how many of the index's frames closest to the query pick the videos that are searched (every
    /// video with a frame among them); at least 1 (default 256). Raise it when the index holds many videos that all
    /// show the subject.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int CandidateFrames
    {
        get => _candidateFrames;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _candidateFrames = value;
        }
    }

    /// <summary>Copies the options.</summary>
    /// <returns>An independent copy.</returns>
    public VideoMomentSearchOptions Clone() => new() { Top = Top, CandidateFrames = CandidateFrames };
}

/// <summary>A stretch of one of the indexed videos that matches a query.</summary>
/// <param name="Video">The video file, as it was added (full path).</param>
/// <param name="Start">The time of the first matching frame.</param>
/// <param name="End">The time of the first frame after the match (or the video's end).</param>
/// <param name="Score">The mean cosine similarity of the matching frames to the query.</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record VideoMomentHit(string Video, TimeSpan Start, TimeSpan End, float Score);

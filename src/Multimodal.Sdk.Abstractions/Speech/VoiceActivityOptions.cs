namespace Multimodal.Sdk;

/// <summary>
/// Per-call voice activity detection settings. The defaults and their meaning are those of silero-vad's
/// <c>get_speech_timestamps</c>: speech starts at a window whose probability reaches <see cref="Threshold"/>, and ends
/// where the probability falls below <see cref="NegativeThreshold"/> for at least <see cref="MinSilenceDuration"/>.
/// </summary>
/// <remarks>Not safe for concurrent mutation; detectors copy it at the start of a call.</remarks>
public sealed class VoiceActivityOptions
{
    /// <summary>Gets or sets the speech probability at or above which a window is speech. Default 0.5; in (0, 1].</summary>
    public float Threshold { get; set; } = 0.5f;

    /// <summary>
    /// Gets or sets the probability below which a window inside speech counts as silence, or <see langword="null"/> for
    /// <c>max(Threshold - 0.15, 0.01)</c> (the default). In [0, <see cref="Threshold"/>].
    /// </summary>
    public float? NegativeThreshold { get; set; }

    /// <summary>Gets or sets the shortest speech kept: shorter regions are dropped. Default 250 ms; not negative.</summary>
    public TimeSpan MinSpeechDuration { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Gets or sets the silence that must follow speech before the region ends; shorter pauses stay inside one region. Default 100 ms; not negative.</summary>
    public TimeSpan MinSilenceDuration { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Gets or sets the padding added on each side of a region (halved between two regions closer than twice the
    /// padding, so regions never overlap). Default 30 ms; not negative.
    /// </summary>
    public TimeSpan SpeechPadding { get; set; } = TimeSpan.FromMilliseconds(30);

    /// <summary>
    /// Gets or sets the longest region, or <see langword="null"/> for no limit (the default). Longer speech is split at a
    /// pause longer than <see cref="MinSilenceAtMaxSpeech"/> inside it (see <see cref="SplitAtLongestSilence"/>), or cut
    /// just before the limit when it has none. Positive.
    /// </summary>
    public TimeSpan? MaxSpeechDuration { get; set; }

    /// <summary>Gets or sets the shortest pause a too-long region may be split at. Default 98 ms; not negative.</summary>
    public TimeSpan MinSilenceAtMaxSpeech { get; set; } = TimeSpan.FromMilliseconds(98);

    /// <summary>
    /// Gets or sets a value indicating whether a too-long region is split at its longest pause (the default, as
    /// silero-vad) rather than at its last one.
    /// </summary>
    public bool SplitAtLongestSilence { get; set; } = true;

    /// <summary>Copies the options.</summary>
    /// <returns>A copy that can be changed without affecting this one.</returns>
    public VoiceActivityOptions Clone() => (VoiceActivityOptions)MemberwiseClone();
}

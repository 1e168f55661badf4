namespace Multimodal.Sdk;

/// <summary>Per-call speech recognition settings: language, task, timestamps and the decoding knobs of <see cref="GenerationOptions"/>.</summary>
/// <remarks>Not safe for concurrent mutation; pipelines copy it at the start of a call.</remarks>
public class SpeechRecognitionOptions : GenerationOptions
{
    /// <summary>
    /// Gets or sets the spoken language as the model's code (<c>"en"</c>, <c>"es"</c>, ...), or <see langword="null"/>
    /// (or <c>"auto"</c>) to detect it from the first window.
    /// </summary>
    public string? Language { get; set; }

    /// <summary>Gets or sets whether to transcribe or translate to English.</summary>
    public SpeechTask Task { get; set; } = SpeechTask.Transcribe;

    /// <summary>
    /// Gets or sets a value indicating whether segments carry the model's own start and end times. Without them a
    /// single-window clip is decoded with <c>&lt;|notimestamps|&gt;</c> as one segment spanning the clip; audio longer
    /// than one window is always decoded with timestamps, because seeking needs them.
    /// </summary>
    public bool Timestamps { get; set; }

    /// <inheritdoc/>
    public override GenerationOptions Clone() => (SpeechRecognitionOptions)MemberwiseClone();
}

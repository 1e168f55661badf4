namespace Multimodal.Sdk;

/// <summary>
/// The special token ids and decoding facts of one Whisper model folder, read from its files (never assumed: real
/// vocabularies and this project's tiny models place them differently).
/// </summary>
internal sealed record WhisperTokens
{
    public required int StartOfTranscript { get; init; }

    public required int EndOfText { get; init; }

    public required int NoTimestamps { get; init; }

    /// <summary>Gets the first timestamp token (<c>&lt;|0.00|&gt;</c>), <see cref="NoTimestamps"/> + 1.</summary>
    public int TimestampBegin => NoTimestamps + 1;

    public int? NoSpeech { get; init; }

    public required int Transcribe { get; init; }

    /// <summary>Gets <c>&lt;|startofprev|&gt;</c>, which introduces previous text as a prompt; <see langword="null"/> when the model has none.</summary>
    public int? StartOfPrevious { get; init; }

    public int? StartOfLm { get; init; }

    public int? Translate { get; init; }

    /// <summary>Gets the language tokens by code (<c>en</c>), in the order of <c>lang_to_id</c>.</summary>
    public required IReadOnlyList<KeyValuePair<string, int>> Languages { get; init; }

    public IReadOnlyList<int> Suppress { get; init; } = [];

    public IReadOnlyList<int> BeginSuppress { get; init; } = [];

    /// <summary>Gets the latest timestamp index the first timestamp may take, or <see langword="null"/> for no limit.</summary>
    public int? MaxInitialTimestampIndex { get; init; }

    /// <summary>Gets the seconds between two timestamp tokens (<c>chunk_length / max_source_positions</c>).</summary>
    public required double TimeStep { get; init; }
}

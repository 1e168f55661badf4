namespace Multimodal.Sdk;

/// <summary>Construction-time settings of a <see cref="MultimodalRetriever"/>.</summary>
/// <remarks>Not safe for concurrent mutation; <see cref="Clone"/> before changing a shared instance.</remarks>
public sealed class MultimodalRetrieverOptions
{
    private int _batchSize = 32;

    /// <summary>Gets or sets how many items are embedded in one encoder call and written in one store batch (default 32).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int BatchSize
    {
        get => _batchSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _batchSize = value;
        }
    }

    /// <summary>Gets or sets the speech recognition settings used to transcribe audio; <see langword="null"/> for the recognizer's defaults.</summary>
    public SpeechRecognitionOptions? SpeechOptions { get; set; }

    /// <summary>Copies the options.</summary>
    /// <returns>An independent copy.</returns>
    public MultimodalRetrieverOptions Clone() => new() { BatchSize = BatchSize, SpeechOptions = (SpeechRecognitionOptions?)SpeechOptions?.Clone() };
}

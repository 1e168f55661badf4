namespace Multimodal.Sdk;

/// <summary>What an indexed item is: all three share one embedding space (audio through its transcript).</summary>
public enum RetrievalModality
{
    /// <summary>An image, embedded by the CLIP image tower.</summary>
    Image = 0,

    /// <summary>A text, embedded by the CLIP text tower.</summary>
    Text = 1,

    /// <summary>Audio, transcribed by a speech recognizer and the transcript embedded by the CLIP text tower.</summary>
    Audio = 2,
}

namespace Multimodal.Sdk;

/// <summary>What a speech recognizer produces from the audio.</summary>
public enum SpeechTask
{
    /// <summary>Text in the spoken language.</summary>
    Transcribe,

    /// <summary>English text, whatever the spoken language.</summary>
    Translate,
}

namespace Multimodal.Sdk;

/// <summary>One stretch of speech found by an <see cref="IVoiceActivityDetector"/>.</summary>
/// <param name="Start">Where it starts in the audio, padding included.</param>
/// <param name="End">Where it ends in the audio, padding included.</param>
/// <param name="Probability">The mean speech probability of the model windows inside it (padding excluded).</param>
public sealed record VoiceActivityRegion(TimeSpan Start, TimeSpan End, float Probability)
{
    /// <summary>Gets its length.</summary>
    public TimeSpan Duration => End - Start;
}

namespace Multimodal.Sdk;

/// <summary>One stretch of recognized speech.</summary>
/// <param name="Start">Where it starts in the audio.</param>
/// <param name="End">Where it ends in the audio.</param>
/// <param name="Text">Its text, whitespace-normalized.</param>
/// <param name="AverageLogProb">The average log-probability of the tokens of the window it was decoded in (the end token included).</param>
/// <param name="NoSpeechProbability">The model's probability that its window holds no speech.</param>
/// <param name="Tokens">The token ids it was decoded from, timestamp tokens included.</param>
public sealed record SpeechSegment(TimeSpan Start, TimeSpan End, string Text, double AverageLogProb, double NoSpeechProbability, IReadOnlyList<int> Tokens)
{
    /// <summary>Gets the temperature its window was decoded at: 0 unless the fallback had to sample.</summary>
    public float Temperature { get; init; }

    /// <summary>Gets the compression ratio of its window's text (UTF-8 bytes over zlib-compressed bytes; 0 for no text).</summary>
    public double CompressionRatio { get; init; }
}

/// <summary>The transcription (or translation) of one clip.</summary>
/// <param name="Text">The whole text: the segments' texts joined by spaces.</param>
/// <param name="Language">The language code the audio was decoded as (given or detected).</param>
/// <param name="LanguageProbability">The detected language's probability among the model's languages; 1 when the caller named the language.</param>
/// <param name="Segments">The segments in time order; empty when nothing was said.</param>
public sealed record SpeechRecognitionResult(string Text, string Language, float LanguageProbability, IReadOnlyList<SpeechSegment> Segments);

/// <summary>The spoken language of a clip.</summary>
/// <param name="Language">The most likely language code.</param>
/// <param name="Probability">Its probability among the model's languages.</param>
/// <param name="Probabilities">Every language's probability, by code.</param>
/// <param name="NoSpeechProbability">The model's probability that the clip holds no speech at all.</param>
public sealed record LanguageDetectionResult(string Language, float Probability, IReadOnlyDictionary<string, float> Probabilities, float NoSpeechProbability);

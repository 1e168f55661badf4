namespace Multimodal.Sdk;

/// <summary>One generated caption with its score.</summary>
/// <param name="Text">The caption.</param>
/// <param name="Score">The sequence score: the sum of token log-probabilities divided by length^length_penalty (beam search) or the sum of log-probabilities.</param>
public sealed record Caption(string Text, float Score);

/// <summary>The captions of one image, best first.</summary>
/// <param name="Captions">One caption, or several with beam search or sampling and <see cref="GenerationOptions.NumReturnSequences"/> &gt; 1.</param>
public sealed record CaptionResult(IReadOnlyList<Caption> Captions)
{
    /// <summary>Gets the best caption's text.</summary>
    public string Text => Captions[0].Text;
}

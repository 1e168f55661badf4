namespace Multimodal.Sdk;

/// <summary>The answer to one question about an image.</summary>
/// <param name="Question">The question as asked.</param>
/// <param name="Answer">The answer, without special tokens and surrounding white space.</param>
/// <param name="Score">The sum of the answer tokens' log-probabilities (the end token included); higher is more confident.</param>
/// <param name="TokenCount">The number of generated tokens, the end token included.</param>
public sealed record VisualQaResult(string Question, string Answer, float Score, int TokenCount);

namespace Multimodal.Sdk;

/// <summary>One search result: the record and its cosine similarity to the query.</summary>
/// <param name="Record">The matching record.</param>
/// <param name="Score">The cosine similarity to the query, in [-1, 1]; higher is more similar.</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record RetrievalHit(RetrievalRecord Record, float Score);

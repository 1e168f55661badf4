namespace Multimodal.Sdk;

/// <summary>Facts about a CLIP model that callers of <see cref="IClipEncoder"/> may need.</summary>
/// <param name="ModelPath">The model folder.</param>
/// <param name="EmbeddingDimensions">The length of every embedding (<c>projection_dim</c>).</param>
/// <param name="LogitScale">The learned temperature: zero-shot logits are <c>LogitScale x cosine</c>.</param>
/// <param name="ContextLength">The most tokens a text keeps (<c>text_config.max_position_embeddings</c>).</param>
public sealed record ClipEncoderMetadata(string ModelPath, int EmbeddingDimensions, float LogitScale, int ContextLength);

namespace Multimodal.Sdk;

/// <summary>Construction-time settings of a <see cref="SentenceEmbeddingGenerator"/>.</summary>
/// <remarks>Mutable while configuring; the generator copies it when it is created.</remarks>
public sealed class SentenceEmbeddingOptions
{
    /// <summary>
    /// Gets or sets the most tokens of a text that are embedded (longer texts are cut, special tokens kept);
    /// <see langword="null"/> reads <c>sentence_bert_config.json</c>'s <c>max_seq_length</c> as sentence-transformers does,
    /// else 256 capped by the tokenizer's <c>model_max_length</c> and the model's <c>max_position_embeddings</c>.
    /// </summary>
    public int? MaxTokens { get; set; }

    /// <summary>Gets or sets a value indicating whether embeddings are scaled to unit length (all-MiniLM-L6-v2's Normalize module); on by default.</summary>
    public bool Normalize { get; set; } = true;

    /// <summary>Gets or sets how many texts one ONNX Runtime call embeds; 32 by default.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Creates a copy.</summary>
    /// <returns>The copy.</returns>
    public SentenceEmbeddingOptions Clone() => (SentenceEmbeddingOptions)MemberwiseClone();
}

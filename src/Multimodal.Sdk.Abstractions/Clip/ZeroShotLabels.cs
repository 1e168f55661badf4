namespace Multimodal.Sdk;

/// <summary>
/// Zero-shot labels with their text embeddings computed once (<see cref="ClipEncoderExtensions.EmbedLabelsAsync"/>):
/// classifying many images against the same labels then costs only the image side. Immutable and safe to share
/// between threads; it belongs to the encoder that made it (the same embedding space).
/// </summary>
public sealed class ZeroShotLabels
{
    private readonly float[][] _vectors;

    internal ZeroShotLabels(IReadOnlyList<string> labels, float[][] vectors, int? topK)
    {
        Labels = labels;
        _vectors = vectors;
        TopK = topK;
    }

    /// <summary>Gets the labels, in the order given.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Gets how many labels a result keeps, best first (<see cref="ZeroShotOptions.TopK"/> at embedding time); <see langword="null"/> keeps all.</summary>
    public int? TopK { get; }

    /// <summary>Gets the length of the label embeddings.</summary>
    public int Dimension => _vectors[0].Length;

    internal ReadOnlySpan<float> Vector(int label) => _vectors[label];
}

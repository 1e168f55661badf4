namespace Multimodal.Sdk;

/// <summary>The vision encoder's output for one image: <see cref="Rows"/> feature rows of <see cref="Hidden"/> floats.</summary>
internal sealed record ImageFeatures(float[] Data, int Rows, int Hidden);

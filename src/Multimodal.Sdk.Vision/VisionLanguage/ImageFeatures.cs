namespace Multimodal.Sdk;

/// <summary>
/// The vision encoder's output for one image: <see cref="Rows"/> feature rows of <see cref="Hidden"/> floats. An
/// Idefics3 image split into tiles carries its grid (<see cref="SplitRows"/> x <see cref="SplitCols"/>, 0 x 0 when not
/// split): the prompt expansion depends on it.
/// </summary>
internal sealed record ImageFeatures(float[] Data, int Rows, int Hidden)
{
    public int SplitRows { get; init; }

    public int SplitCols { get; init; }
}

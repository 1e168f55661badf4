using System.Drawing;

namespace Multimodal.Sdk;

/// <summary>One recognised text region: usually a line of text, or a part of one where the detector split it.</summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed class TextLine
{
    /// <summary>Creates a region.</summary>
    /// <param name="text">The recognised text.</param>
    /// <param name="confidence">The mean probability of the recognised characters, in [0, 1].</param>
    /// <param name="box">The rotated box: four corners clockwise from the top-left of the text, in image pixels.</param>
    /// <param name="lineNumber">The 0-based visual line the region belongs to.</param>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> or <paramref name="box"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="box"/> does not have four points.</exception>
    public TextLine(string text, float confidence, IReadOnlyList<PointF> box, int lineNumber)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(box);
        if (box.Count != 4)
        {
            throw new ArgumentException($"A text box has 4 corners, not {box.Count}.", nameof(box));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(lineNumber);
        Text = text;
        Confidence = confidence;
        Box = box;
        LineNumber = lineNumber;
    }

    /// <summary>Gets the recognised text.</summary>
    public string Text { get; }

    /// <summary>Gets the mean probability of the recognised characters, in [0, 1].</summary>
    public float Confidence { get; }

    /// <summary>
    /// Gets the rotated box around the text: four corners clockwise from the top-left, in pixels of the original
    /// image (not the detector's resized copy).
    /// </summary>
    public IReadOnlyList<PointF> Box { get; }

    /// <summary>Gets the 0-based visual line the region belongs to (regions side by side share a line).</summary>
    public int LineNumber { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Text} ({Confidence:0.00})";
}

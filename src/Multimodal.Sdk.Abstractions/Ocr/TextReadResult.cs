namespace Multimodal.Sdk;

/// <summary>The text read from one image.</summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed class TextReadResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="lines">The regions in reading order.</param>
    /// <param name="width">The width of the image read, in pixels.</param>
    /// <param name="height">The height of the image read, in pixels.</param>
    /// <exception cref="ArgumentNullException"><paramref name="lines"/> is <see langword="null"/>.</exception>
    public TextReadResult(IReadOnlyList<TextLine> lines, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(lines);
        Lines = lines;
        Width = width;
        Height = height;
        Text = JoinLines(lines);
    }

    /// <summary>Gets the recognised regions in reading order: top to bottom, then left to right within a line.</summary>
    public IReadOnlyList<TextLine> Lines { get; }

    /// <summary>Gets all the text: regions on one line joined by a space, lines joined by <c>\n</c>; empty when none was found.</summary>
    public string Text { get; }

    /// <summary>Gets the width of the image read, in pixels.</summary>
    public int Width { get; }

    /// <summary>Gets the height of the image read, in pixels.</summary>
    public int Height { get; }

    /// <inheritdoc/>
    public override string ToString() => Text;

    private static string JoinLines(IReadOnlyList<TextLine> lines)
    {
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < lines.Count; i++)
        {
            if (i > 0)
            {
                text.Append(lines[i].LineNumber == lines[i - 1].LineNumber ? ' ' : '\n');
            }

            text.Append(lines[i].Text);
        }

        return text.ToString();
    }
}

namespace Multimodal.Sdk;

/// <summary>
/// Greedy CTC decoding over a character dictionary, as PaddleOCR's <c>CTCLabelDecode</c>: class 0 is the blank, the
/// dictionary's lines are classes 1..n, and (with <c>use_space_char</c>) the space is the last class. Per frame the
/// most probable class is taken; blanks are dropped and a class repeated on consecutive frames counts once. The
/// confidence is the mean probability of the kept frames (0 when none is kept).
/// </summary>
/// <remarks>Immutable and safe for concurrent use.</remarks>
internal sealed class CtcDecoder
{
    private readonly string[] _characters;

    /// <summary>Creates a decoder over <paramref name="dictionary"/> (one entry per class from 1 on).</summary>
    public CtcDecoder(IReadOnlyList<string> dictionary, bool useSpaceChar)
    {
        var characters = new List<string>(dictionary.Count + 2) { string.Empty };
        characters.AddRange(dictionary);
        if (useSpaceChar)
        {
            characters.Add(" ");
        }

        _characters = [.. characters];
    }

    /// <summary>Gets the number of classes, the blank included: what the recognizer's last axis must be.</summary>
    public int ClassCount => _characters.Length;

    /// <summary>Reads a dictionary file: one character per line, <c>\n</c> or <c>\r\n</c> line ends.</summary>
    public static List<string> ReadDictionary(string path)
    {
        var lines = File.ReadAllText(path).Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1); // a final line end ends the last line, it does not start an empty one
        }

        return lines;
    }

    /// <summary>Decodes one sequence of <paramref name="frames"/> probability rows of <see cref="ClassCount"/> classes.</summary>
    public (string Text, float Confidence) Decode(ReadOnlySpan<float> probabilities, int frames)
    {
        int classes = _characters.Length;
        var text = new System.Text.StringBuilder();
        double sum = 0;
        int kept = 0;
        int previous = -1;
        for (int t = 0; t < frames; t++)
        {
            var row = probabilities.Slice(t * classes, classes);
            int best = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(row);
            if (best != 0 && best != previous)
            {
                text.Append(_characters[best]);
                sum += row[best];
                kept++;
            }

            previous = best;
        }

        return (text.ToString(), kept == 0 ? 0f : (float)(sum / kept));
    }
}

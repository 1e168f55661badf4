using System.Drawing;

namespace Multimodal.Sdk;

/// <summary>
/// Puts text boxes in reading order: grouped into visual lines (a box joins a line when its vertical centre lies
/// within half the smaller of the two heights from the line's centre), lines top to bottom, boxes left to right.
/// PaddleOCR's <c>sorted_boxes</c> does the same with a fixed 10-pixel tolerance, which breaks on large text and
/// merges lines of small text; the half-height rule scales with the text.
/// </summary>
/// <remarks>Stateless and safe for concurrent use.</remarks>
internal static class ReadingOrder
{
    /// <summary>Returns the indices of <paramref name="boxes"/> in reading order, each with its 0-based line number.</summary>
    public static List<(int Index, int Line)> Sort(IReadOnlyList<PointF[]> boxes)
    {
        var items = boxes.Select((b, i) => (Index: i, CenterY: b.Average(p => p.Y), Height: BoxHeight(b), Left: b.Min(p => p.X)))
            .OrderBy(b => b.CenterY)
            .ToList();
        var lines = new List<List<(int Index, float CenterY, float Height, float Left)>>();
        foreach (var item in items)
        {
            var line = lines.LastOrDefault(l =>
            {
                float center = l.Average(b => b.CenterY);
                float height = l.Average(b => b.Height);
                return Math.Abs(item.CenterY - center) < 0.5f * Math.Min(item.Height, height);
            });
            if (line is null)
            {
                lines.Add([item]);
            }
            else
            {
                line.Add(item);
            }
        }

        var result = new List<(int Index, int Line)>(boxes.Count);
        for (int l = 0; l < lines.Count; l++)
        {
            result.AddRange(lines[l].OrderBy(b => b.Left).Select(b => (b.Index, l)));
        }

        return result;
    }

    // The extent across the text: the mean length of the left and right edges.
    private static float BoxHeight(PointF[] b) => (OcrGeometry.Distance(b[0], b[3]) + OcrGeometry.Distance(b[1], b[2])) / 2;
}

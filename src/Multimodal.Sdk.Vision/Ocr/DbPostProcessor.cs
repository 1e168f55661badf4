using System.Drawing;

namespace Multimodal.Sdk;

/// <summary>The DB (differentiable binarization) settings of <c>ocr_config.json</c>'s <c>detection</c> section.</summary>
internal sealed record DbSettings(float Threshold, float BoxThreshold, double UnclipRatio, int MinSize, int MaxCandidates);

/// <summary>
/// Turns the detector's text-probability map into rotated boxes, as PaddleOCR's <c>DBPostProcess</c> (<c>box_type
/// 'quad'</c>, <c>score_mode 'fast'</c>) followed by <c>filter_tag_det_res</c>: binarize at the threshold, take each
/// connected region, its minimum-area rectangle, the mean probability inside it (dropped under the box threshold),
/// grow it by the unclip ratio, take the rectangle again and scale it to the original image.
/// </summary>
/// <remarks>
/// Stateless and safe for concurrent use. Regions are the 8-connected components of the binary map: their convex
/// hull is that of the outer contour OpenCV's <c>findContours</c> traces, so the rectangles are the same.
/// </remarks>
internal static class DbPostProcessor
{
    /// <summary>Finds the boxes in a <paramref name="mapWidth"/> x <paramref name="mapHeight"/> probability map.</summary>
    /// <returns>Boxes (top-left, top-right, bottom-right, bottom-left) in pixels of the <paramref name="imageWidth"/> x <paramref name="imageHeight"/> image.</returns>
    public static List<PointF[]> FindBoxes(ReadOnlySpan<float> map, int mapWidth, int mapHeight, int imageWidth, int imageHeight, DbSettings settings)
    {
        var boxes = new List<PointF[]>();
        var labels = new int[mapWidth * mapHeight];
        var stack = new Stack<int>();
        var rowMin = new Dictionary<int, int>();
        var rowMax = new Dictionary<int, int>();
        var points = new List<PointF>();
        int regions = 0;
        for (int start = 0; start < labels.Length; start++)
        {
            if (labels[start] != 0 || map[start] <= settings.Threshold)
            {
                continue;
            }

            if (++regions > settings.MaxCandidates)
            {
                break;
            }

            // Flood-fill the region, keeping each row's leftmost and rightmost pixel: the hull needs no others.
            rowMin.Clear();
            rowMax.Clear();
            labels[start] = regions;
            stack.Push(start);
            while (stack.Count > 0)
            {
                int p = stack.Pop();
                int px = p % mapWidth, py = p / mapWidth;
                rowMin[py] = rowMin.TryGetValue(py, out int lo) ? Math.Min(lo, px) : px;
                rowMax[py] = rowMax.TryGetValue(py, out int hi) ? Math.Max(hi, px) : px;
                for (int dy = -1; dy <= 1; dy++)
                {
                    int ny = py + dy;
                    if ((uint)ny >= (uint)mapHeight)
                    {
                        continue;
                    }

                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int nx = px + dx;
                        int n = (ny * mapWidth) + nx;
                        if ((uint)nx < (uint)mapWidth && labels[n] == 0 && map[n] > settings.Threshold)
                        {
                            labels[n] = regions;
                            stack.Push(n);
                        }
                    }
                }
            }

            points.Clear();
            foreach (var (y, x) in rowMin)
            {
                points.Add(new PointF(x, y));
                points.Add(new PointF(rowMax[y], y));
            }

            if (ToBox(map, mapWidth, mapHeight, imageWidth, imageHeight, points, settings) is { } box)
            {
                boxes.Add(box);
            }
        }

        return boxes;
    }

    private static PointF[]? ToBox(ReadOnlySpan<float> map, int mapWidth, int mapHeight, int imageWidth, int imageHeight, List<PointF> region, DbSettings settings)
    {
        var (box, shortSide) = OcrGeometry.MiniBox(region);
        if (shortSide < settings.MinSize)
        {
            return null;
        }

        if (BoxScore(map, mapWidth, mapHeight, box) < settings.BoxThreshold)
        {
            return null;
        }

        var grown = OcrGeometry.Unclip(box, settings.UnclipRatio);
        if (grown.Count == 0)
        {
            return null;
        }

        (box, shortSide) = OcrGeometry.MiniBox(grown);
        if (shortSide < settings.MinSize + 2)
        {
            return null;
        }

        // Scale to the image, round and clip (DBPostProcess), then order and clip to the last pixel (filter_tag_det_res).
        float sx = (float)imageWidth / mapWidth, sy = (float)imageHeight / mapHeight;
        var scaled = new PointF[4];
        for (int i = 0; i < 4; i++)
        {
            float x = Math.Clamp(MathF.Round(box[i].X * sx), 0, imageWidth);
            float y = Math.Clamp(MathF.Round(box[i].Y * sy), 0, imageHeight);
            scaled[i] = new PointF(x, y);
        }

        var ordered = OcrGeometry.OrderClockwise(scaled);
        for (int i = 0; i < 4; i++)
        {
            ordered[i] = new PointF(Math.Clamp(ordered[i].X, 0, imageWidth - 1), Math.Clamp(ordered[i].Y, 0, imageHeight - 1));
        }

        int rectWidth = (int)OcrGeometry.Distance(ordered[0], ordered[1]);
        int rectHeight = (int)OcrGeometry.Distance(ordered[0], ordered[3]);
        return rectWidth <= 3 || rectHeight <= 3 ? null : ordered;
    }

    /// <summary>
    /// <c>box_score_fast</c>: the mean probability over the pixels of the box's bounding rectangle that the box
    /// covers (<c>cv2.fillPoly</c> on the integer corners, which includes pixels on the outline).
    /// </summary>
    internal static float BoxScore(ReadOnlySpan<float> map, int mapWidth, int mapHeight, PointF[] box)
    {
        int xmin = Math.Clamp((int)MathF.Floor(box.Min(p => p.X)), 0, mapWidth - 1);
        int xmax = Math.Clamp((int)MathF.Ceiling(box.Max(p => p.X)), 0, mapWidth - 1);
        int ymin = Math.Clamp((int)MathF.Floor(box.Min(p => p.Y)), 0, mapHeight - 1);
        int ymax = Math.Clamp((int)MathF.Ceiling(box.Max(p => p.Y)), 0, mapHeight - 1);
        Span<PointF> quad = stackalloc PointF[4];
        for (int i = 0; i < 4; i++)
        {
            quad[i] = new PointF(MathF.Truncate(box[i].X), MathF.Truncate(box[i].Y));
        }

        // Signed-area orientation, so "inside" is the same side of every edge.
        double orientation = 0;
        for (int i = 0; i < 4; i++)
        {
            var a = quad[i];
            var b = quad[(i + 1) % 4];
            orientation += ((double)a.X * b.Y) - ((double)b.X * a.Y);
        }

        double sign = orientation >= 0 ? 1 : -1;
        double sum = 0;
        int count = 0;
        for (int y = ymin; y <= ymax; y++)
        {
            for (int x = xmin; x <= xmax; x++)
            {
                bool inside = true;
                for (int i = 0; i < 4 && inside; i++)
                {
                    var a = quad[i];
                    var b = quad[(i + 1) % 4];
                    double ex = b.X - a.X, ey = b.Y - a.Y;
                    double len = Math.Sqrt((ex * ex) + (ey * ey));
                    double cross = (ex * (y - a.Y)) - (ey * (x - a.X));
                    inside = len == 0 || sign * cross / len >= -0.5;
                }

                if (inside)
                {
                    sum += map[(y * mapWidth) + x];
                    count++;
                }
            }
        }

        return count == 0 ? 0f : (float)(sum / count);
    }
}

using System.Drawing;

namespace Multimodal.Sdk;

/// <summary>A rotated rectangle: centre, side lengths and the four corners (OpenCV's <c>RotatedRect</c> + <c>boxPoints</c>).</summary>
internal readonly record struct RotatedBox(PointF[] Corners, float Width, float Height)
{
    public float ShortSide => Math.Min(Width, Height);
}

/// <summary>
/// The plane geometry of DB post-processing, written after OpenCV and pyclipper as PaddleOCR calls them: convex hull,
/// minimum-area rectangle, the corner order PaddleOCR's <c>get_mini_boxes</c> gives, polygon area and perimeter,
/// and the round-joined polygon offset of <c>unclip</c>.
/// </summary>
/// <remarks>Stateless and safe for concurrent use.</remarks>
internal static class OcrGeometry
{
    /// <summary>Andrew's monotone chain; returns the hull counter-clockwise (in y-up terms), without collinear points.</summary>
    public static List<PointF> ConvexHull(IReadOnlyList<PointF> points)
    {
        var sorted = points.Distinct().OrderBy(p => p.X).ThenBy(p => p.Y).ToList();
        if (sorted.Count < 3)
        {
            return sorted;
        }

        var hull = new List<PointF>(sorted.Count + 1);
        for (int pass = 0; pass < 2; pass++)
        {
            int start = hull.Count;
            foreach (var p in sorted)
            {
                while (hull.Count >= start + 2 && Cross(hull[^2], hull[^1], p) <= 0)
                {
                    hull.RemoveAt(hull.Count - 1);
                }

                hull.Add(p);
            }

            hull.RemoveAt(hull.Count - 1);
            sorted.Reverse();
        }

        return hull;
    }

    /// <summary>
    /// The rectangle of least area around <paramref name="points"/> (rotating calipers over the hull's edges, as
    /// <c>cv2.minAreaRect</c>). One or two distinct points give a degenerate rectangle of width or height 0.
    /// </summary>
    public static RotatedBox MinAreaRect(IReadOnlyList<PointF> points)
    {
        var hull = ConvexHull(points);
        if (hull.Count == 0)
        {
            return new RotatedBox([default, default, default, default], 0, 0);
        }

        if (hull.Count == 1)
        {
            return new RotatedBox([hull[0], hull[0], hull[0], hull[0]], 0, 0);
        }

        double bestArea = double.MaxValue;
        PointF[] best = [];
        float bestW = 0, bestH = 0;
        int edges = hull.Count == 2 ? 1 : hull.Count;
        for (int i = 0; i < edges; i++)
        {
            var a = hull[i];
            var b = hull[(i + 1) % hull.Count];
            double ux = b.X - a.X, uy = b.Y - a.Y;
            double len = Math.Sqrt((ux * ux) + (uy * uy));
            if (len == 0)
            {
                continue;
            }

            ux /= len;
            uy /= len;
            double minU = double.MaxValue, maxU = double.MinValue, minV = double.MaxValue, maxV = double.MinValue;
            foreach (var p in hull)
            {
                double u = (p.X * ux) + (p.Y * uy);
                double v = (-p.X * uy) + (p.Y * ux);
                minU = Math.Min(minU, u);
                maxU = Math.Max(maxU, u);
                minV = Math.Min(minV, v);
                maxV = Math.Max(maxV, v);
            }

            double area = (maxU - minU) * (maxV - minV);
            if (area < bestArea - 1e-9)
            {
                bestArea = area;
                bestW = (float)(maxU - minU);
                bestH = (float)(maxV - minV);
                best =
                [
                    Corner(minU, minV, ux, uy),
                    Corner(maxU, minV, ux, uy),
                    Corner(maxU, maxV, ux, uy),
                    Corner(minU, maxV, ux, uy),
                ];
            }
        }

        return new RotatedBox(best, bestW, bestH);
    }

    /// <summary>
    /// PaddleOCR's <c>get_mini_boxes</c>: the minimum-area rectangle with its corners ordered top-left, top-right,
    /// bottom-right, bottom-left (sorted by x, then the upper of each pair first), and its short side.
    /// </summary>
    public static (PointF[] Box, float ShortSide) MiniBox(IReadOnlyList<PointF> points)
    {
        var rect = MinAreaRect(points);
        var p = rect.Corners.OrderBy(c => c.X).ToArray();
        var (i1, i4) = p[1].Y > p[0].Y ? (0, 1) : (1, 0);
        var (i2, i3) = p[3].Y > p[2].Y ? (2, 3) : (3, 2);
        return ([p[i1], p[i2], p[i3], p[i4]], rect.ShortSide);
    }

    /// <summary>The absolute area of a simple polygon (shoelace).</summary>
    public static double Area(IReadOnlyList<PointF> polygon)
    {
        double sum = 0;
        for (int i = 0; i < polygon.Count; i++)
        {
            var a = polygon[i];
            var b = polygon[(i + 1) % polygon.Count];
            sum += ((double)a.X * b.Y) - ((double)b.X * a.Y);
        }

        return Math.Abs(sum) / 2;
    }

    /// <summary>The perimeter of a closed polygon.</summary>
    public static double Perimeter(IReadOnlyList<PointF> polygon)
    {
        double sum = 0;
        for (int i = 0; i < polygon.Count; i++)
        {
            var a = polygon[i];
            var b = polygon[(i + 1) % polygon.Count];
            sum += Math.Sqrt(Math.Pow(a.X - b.X, 2) + Math.Pow(a.Y - b.Y, 2));
        }

        return sum;
    }

    /// <summary>
    /// DB's <c>unclip</c>: grows a convex polygon outward by <c>area * ratio / perimeter</c> with round joins (what
    /// pyclipper's <c>JT_ROUND</c> offset gives for a convex polygon: each edge moved out along its normal, the corners
    /// joined by arcs). Returns the grown outline; an empty list for a degenerate polygon.
    /// </summary>
    public static List<PointF> Unclip(IReadOnlyList<PointF> polygon, double ratio)
    {
        double perimeter = Perimeter(polygon);
        if (perimeter <= 0)
        {
            return [];
        }

        double distance = Area(polygon) * ratio / perimeter;
        var hull = ConvexHull(polygon);
        if (hull.Count < 3)
        {
            return [];
        }

        // The hull is counter-clockwise in the y-up sense; its outward normal of edge (a -> b) is (dy, -dx) / len.
        var result = new List<PointF>(hull.Count * 12);
        for (int i = 0; i < hull.Count; i++)
        {
            var prev = hull[(i + hull.Count - 1) % hull.Count];
            var p = hull[i];
            var next = hull[(i + 1) % hull.Count];
            double a0 = Math.Atan2(-(p.X - prev.X), p.Y - prev.Y);
            double a1 = Math.Atan2(-(next.X - p.X), next.Y - p.Y);
            while (a1 < a0)
            {
                a1 += 2 * Math.PI;
            }

            // Arc from the previous edge's normal to the next edge's, in steps of at most 15 degrees (the corners of the
            // arc lie on the circle, so the minimum-area rectangle around the result is that of the exact offset).
            int steps = Math.Max(1, (int)Math.Ceiling((a1 - a0) / (Math.PI / 12)));
            for (int s = 0; s <= steps; s++)
            {
                double a = a0 + ((a1 - a0) * s / steps);
                result.Add(new PointF((float)(p.X + (distance * Math.Cos(a))), (float)(p.Y + (distance * Math.Sin(a)))));
            }
        }

        return result;
    }

    /// <summary>
    /// PaddleOCR's <c>order_points_clockwise</c>: top-left, top-right, bottom-right, bottom-left of a quadrilateral
    /// (the two leftmost points by x, the upper of them first; the same on the right).
    /// </summary>
    public static PointF[] OrderClockwise(IReadOnlyList<PointF> quad)
    {
        var byX = quad.OrderBy(p => p.X).ToArray();
        var left = byX[0].Y <= byX[1].Y ? (byX[0], byX[1]) : (byX[1], byX[0]);
        var right = byX[2].Y <= byX[3].Y ? (byX[2], byX[3]) : (byX[3], byX[2]);
        return [left.Item1, right.Item1, right.Item2, left.Item2];
    }

    /// <summary>The distance between two points.</summary>
    public static float Distance(PointF a, PointF b) => MathF.Sqrt(((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y)));

    private static double Cross(PointF o, PointF a, PointF b) => ((double)(a.X - o.X) * (b.Y - o.Y)) - ((double)(a.Y - o.Y) * (b.X - o.X));

    private static PointF Corner(double u, double v, double ux, double uy) =>
        new((float)((u * ux) - (v * uy)), (float)((u * uy) + (v * ux)));
}

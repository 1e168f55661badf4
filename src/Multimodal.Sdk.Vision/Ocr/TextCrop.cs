using System.Drawing;

namespace Multimodal.Sdk;

/// <summary>
/// Cuts a text region out of an RGB image as an upright rectangle: PaddleOCR's <c>get_rotate_crop_image</c>
/// (<c>cv2.getPerspectiveTransform</c> + <c>cv2.warpPerspective</c>, bicubic, replicated border; a crop at least 1.5
/// times taller than wide is turned a quarter counter-clockwise), and the half turn the direction classifier asks for.
/// </summary>
/// <remarks>Stateless and safe for concurrent use.</remarks>
internal static class TextCrop
{
    /// <summary>Warps the quadrilateral <paramref name="box"/> (top-left, top-right, bottom-right, bottom-left) to a rectangle.</summary>
    public static CropImage Warp(ReadOnlySpan<byte> rgb, int width, int height, PointF[] box)
    {
        int cropW = Math.Max(1, (int)Math.Max(OcrGeometry.Distance(box[0], box[1]), OcrGeometry.Distance(box[2], box[3])));
        int cropH = Math.Max(1, (int)Math.Max(OcrGeometry.Distance(box[0], box[3]), OcrGeometry.Distance(box[1], box[2])));

        // The homography from the crop's corners to the box's, so each crop pixel looks up its source position.
        var h = Homography(
            [new PointF(0, 0), new PointF(cropW, 0), new PointF(cropW, cropH), new PointF(0, cropH)],
            box);
        var crop = new CropImage(cropW, cropH);
        var dst = crop.Pixels;
        Span<float> wx = stackalloc float[4];
        Span<float> wy = stackalloc float[4];
        for (int y = 0; y < cropH; y++)
        {
            for (int x = 0; x < cropW; x++)
            {
                double w = (h[6] * x) + (h[7] * y) + 1.0;
                double sx = ((h[0] * x) + (h[1] * y) + h[2]) / w;
                double sy = ((h[3] * x) + (h[4] * y) + h[5]) / w;
                int ix = (int)Math.Floor(sx);
                int iy = (int)Math.Floor(sy);
                CubicWeights((float)(sx - ix), wx);
                CubicWeights((float)(sy - iy), wy);
                int o = ((y * cropW) + x) * 3;
                for (int c = 0; c < 3; c++)
                {
                    float sum = 0;
                    for (int j = 0; j < 4; j++)
                    {
                        int yy = Math.Clamp(iy - 1 + j, 0, height - 1) * width;
                        float row = 0;
                        for (int i = 0; i < 4; i++)
                        {
                            int xx = Math.Clamp(ix - 1 + i, 0, width - 1);
                            row += wx[i] * rgb[((yy + xx) * 3) + c];
                        }

                        sum += wy[j] * row;
                    }

                    dst[o + c] = (byte)Math.Clamp((int)MathF.Round(sum), 0, 255);
                }
            }
        }

        return cropH >= cropW * 1.5 ? crop.RotateQuarterCounterClockwise() : crop;
    }

    /// <summary>Solves the 8 unknowns of the projective map taking <paramref name="from"/> to <paramref name="to"/>.</summary>
    internal static double[] Homography(PointF[] from, PointF[] to)
    {
        var a = new double[8, 9];
        for (int i = 0; i < 4; i++)
        {
            double x = from[i].X, y = from[i].Y, u = to[i].X, v = to[i].Y;
            double[] r1 = [x, y, 1, 0, 0, 0, -x * u, -y * u, u];
            double[] r2 = [0, 0, 0, x, y, 1, -x * v, -y * v, v];
            for (int k = 0; k < 9; k++)
            {
                a[i, k] = r1[k];
                a[i + 4, k] = r2[k];
            }
        }

        // Gaussian elimination with partial pivoting.
        for (int col = 0; col < 8; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < 8; r++)
            {
                if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col]))
                {
                    pivot = r;
                }
            }

            if (Math.Abs(a[pivot, col]) < 1e-12)
            {
                return [1, 0, from[0].X - to[0].X, 0, 1, from[0].Y - to[0].Y, 0, 0]; // degenerate box: a translation
            }

            for (int k = 0; k < 9; k++)
            {
                (a[col, k], a[pivot, k]) = (a[pivot, k], a[col, k]);
            }

            for (int r = 0; r < 8; r++)
            {
                if (r != col)
                {
                    double f = a[r, col] / a[col, col];
                    for (int k = col; k < 9; k++)
                    {
                        a[r, k] -= f * a[col, k];
                    }
                }
            }
        }

        var h = new double[8];
        for (int i = 0; i < 8; i++)
        {
            h[i] = a[i, 8] / a[i, i];
        }

        return h;
    }

    // OpenCV's bicubic kernel (A = -0.75) at the four taps around a fractional offset t.
    private static void CubicWeights(float t, Span<float> w)
    {
        const float A = -0.75f;
        w[0] = ((((A * (t + 1)) - (5 * A)) * (t + 1)) + (8 * A)) * (t + 1) - (4 * A);
        w[1] = ((((A + 2) * t) - (A + 3)) * t * t) + 1;
        w[2] = ((((A + 2) * (1 - t)) - (A + 3)) * (1 - t) * (1 - t)) + 1;
        w[3] = 1 - w[0] - w[1] - w[2];
    }
}

/// <summary>An RGB crop owned by the call that made it (plain array: crops are small and short-lived).</summary>
internal sealed class CropImage(int width, int height)
{
    public int Width { get; } = width;

    public int Height { get; } = height;

    public byte[] Pixels { get; } = new byte[width * height * 3];

    public float AspectRatio => (float)Width / Height;

    /// <summary><c>np.rot90</c>: the image turned a quarter counter-clockwise.</summary>
    public CropImage RotateQuarterCounterClockwise()
    {
        var r = new CropImage(Height, Width);
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                // Source (x, y) lands at (y, Width - 1 - x).
                int src = ((y * Width) + x) * 3;
                int dst = (((Width - 1 - x) * r.Width) + y) * 3;
                r.Pixels[dst] = Pixels[src];
                r.Pixels[dst + 1] = Pixels[src + 1];
                r.Pixels[dst + 2] = Pixels[src + 2];
            }
        }

        return r;
    }

    /// <summary><c>cv2.rotate(img, ROTATE_180)</c>.</summary>
    public CropImage RotateHalf()
    {
        var r = new CropImage(Width, Height);
        int n = Width * Height;
        for (int i = 0; i < n; i++)
        {
            int j = n - 1 - i;
            r.Pixels[j * 3] = Pixels[i * 3];
            r.Pixels[(j * 3) + 1] = Pixels[(i * 3) + 1];
            r.Pixels[(j * 3) + 2] = Pixels[(i * 3) + 2];
        }

        return r;
    }
}

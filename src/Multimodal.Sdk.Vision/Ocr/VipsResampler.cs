namespace Multimodal.Sdk;

/// <summary>
/// libvips 8.15's <c>vips_resize</c> with the Lanczos-3 kernel on 8-bit pixels, as sharp 0.33 calls it for
/// <c>resize({ height })</c> and <c>fit: 'contain'</c>: the resizer @gutenye/ocr-node uses for its detector input and
/// its line images, reproduced bit for bit so that the parity settings (<c>"resample": "libvips"</c>) feed the graphs
/// what ocr-node feeds them. Shrinking is <c>vips_reducev</c> then <c>vips_reduceh</c> (Lanczos-3 masks quantized to
/// 12-bit fixed point by truncation, 64 sub-pixel phases, edges replicated); enlarging is <c>vips_affine</c> with the
/// fixed-point Catmull-Rom interpolator (libvips does not use the Lanczos kernel for upsizing), sampling at
/// <c>x / scale - 0.5</c>.
/// </summary>
/// <remarks>Stateless and safe for concurrent use. Interleaved 8-bit pixels of any channel count.</remarks>
internal static class VipsResampler
{
    private const int TransformScale = 64;     // VIPS_TRANSFORM_SCALE
    private const int InterpolateShift = 12;   // VIPS_INTERPOLATE_SHIFT
    private const int InterpolateScale = 1 << InterpolateShift;

    // vips_interpolate_bicubic's table: Catmull-Rom at 65 phases, truncated to 12-bit integers.
    private static readonly int[][] BicubicMasks = BuildBicubicMasks();

    /// <summary>The size sharp gives an image shrunk by <paramref name="shrink"/> on both axes (input / output).</summary>
    public static (int Width, int Height) OutputSize(int width, int height, double shrink)
    {
        double scale = 1.0 / shrink;
        if (scale == 1.0)
        {
            return (width, height);
        }

        return scale < 1.0
            ? (RoundUInt(width / (1.0 / scale)), RoundUInt(height / (1.0 / scale)))
            : (RoundInt(width * scale), RoundInt(height * scale));
    }

    /// <summary>
    /// Resizes <paramref name="source"/> (<paramref name="width"/> x <paramref name="height"/>, <paramref name="channels"/>
    /// interleaved bytes) by the factor sharp computes as <c>hshrink = vshrink = shrink</c>; the output is
    /// <see cref="OutputSize"/> large.
    /// </summary>
    public static byte[] Resize(ReadOnlySpan<byte> source, int width, int height, int channels, double shrink, out int outWidth, out int outHeight)
    {
        // sharp passes 1 / shrink as the scale; vips_resize hands reduce 1 / scale: keep both divisions (they may differ
        // from shrink in the last bit, which moves a sampling phase).
        double scale = 1.0 / shrink;
        (outWidth, outHeight) = OutputSize(width, height, shrink);
        if (scale == 1.0)
        {
            return source[..(width * height * channels)].ToArray();
        }

        if (scale < 1.0)
        {
            double factor = 1.0 / scale;
            var vertical = ReduceV(source, width, height, channels, factor, out int h);
            return ReduceH(vertical, width, h, channels, factor, out _);
        }

        return Enlarge(source, width, height, channels, scale, outWidth, outHeight);
    }

    /// <summary>
    /// sharp's <c>resize({ width, height, fit: 'contain' })</c>: one scale for both axes so the image fits, centred
    /// (sharp's integer halving of the margins), the rest black.
    /// </summary>
    /// <returns>The <paramref name="targetWidth"/> x <paramref name="targetHeight"/> pixels, the scale (output / input) and where the image starts.</returns>
    public static (byte[] Pixels, double Scale, int Left, int Top) Contain(ReadOnlySpan<byte> source, int width, int height, int channels, int targetWidth, int targetHeight)
    {
        // ResolveShrink with Canvas::EMBED: the larger of the two shrinks.
        double shrink = Math.Max((double)width / targetWidth, (double)height / targetHeight);
        shrink = Math.Min(Math.Min(shrink, width), height);
        var resized = Resize(source, width, height, channels, shrink, out int w, out int h);
        if (w == targetWidth && h == targetHeight)
        {
            return (resized, w / (double)width, 0, 0);
        }

        int left = (targetWidth - w) / 2, top = (targetHeight - h) / 2;
        var canvas = new byte[targetWidth * targetHeight * channels];
        int rows = Math.Min(h, targetHeight - top), columns = Math.Min(w, targetWidth - left);
        for (int y = 0; y < rows; y++)
        {
            resized.AsSpan(y * w * channels, columns * channels).CopyTo(canvas.AsSpan((((y + top) * targetWidth) + left) * channels));
        }

        return (canvas, 1.0 / shrink, left, top);
    }

    // vips_reduce's set-up along one axis: the output size, the taps, their masks, the edge padding and the first
    // output sample's position in the input.
    private static (int Taps, short[][] Masks, int Pad, double Start) ReducePlan(int size, double shrink, out int outSize)
    {
        outSize = RoundUInt(size / shrink);
        double extra = (outSize * shrink) - size;
        int n = Points(shrink);
        double offset = ((1 + extra) / 2.0) - 1;
        return (n, ReduceMasks(n, shrink), (int)Math.Ceiling(n / 2.0) - 1, (0.5 * shrink) - 0.5 - offset);
    }

    // Which of the TransformScale + 1 precomputed masks a fractional input position uses (libvips rounds to the
    // nearest 1/TransformScale).
    private static int MaskIndex(double position) =>
        ((((int)(position * TransformScale * 2)) & ((TransformScale * 2) - 1)) + 1) >> 1;

    private static byte[] ReduceV(ReadOnlySpan<byte> source, int width, int height, int channels, double shrink, out int outHeight)
    {
        var (n, masks, pad, y) = ReducePlan(height, shrink, out outHeight);
        int stride = width * channels;
        var output = new byte[outHeight * stride];
        var rows = new int[n];
        for (int oy = 0; oy < outHeight; oy++)
        {
            int py = (int)y;
            var k = masks[MaskIndex(y)];
            for (int i = 0; i < n; i++)
            {
                rows[i] = Math.Clamp(py + i - pad, 0, height - 1) * stride;
            }

            int o = oy * stride;
            for (int x = 0; x < stride; x++)
            {
                int sum = InterpolateScale >> 1;
                for (int i = 0; i < n; i++)
                {
                    sum += k[i] * source[rows[i] + x];
                }

                output[o + x] = (byte)Math.Clamp(sum >> InterpolateShift, 0, 255);
            }

            y += shrink;
        }

        return output;
    }

    private static byte[] ReduceH(ReadOnlySpan<byte> source, int width, int height, int channels, double shrink, out int outWidth)
    {
        var (n, masks, pad, x0) = ReducePlan(width, shrink, out outWidth);
        var output = new byte[outWidth * height * channels];
        var columns = new int[n];
        for (int oy = 0; oy < height; oy++)
        {
            int row = oy * width * channels;
            double x = x0;
            for (int ox = 0; ox < outWidth; ox++)
            {
                int ix = (int)x;
                var k = masks[MaskIndex(x)];
                for (int i = 0; i < n; i++)
                {
                    columns[i] = row + (Math.Clamp(ix + i - pad, 0, width - 1) * channels);
                }

                int o = ((oy * outWidth) + ox) * channels;
                for (int c = 0; c < channels; c++)
                {
                    int sum = InterpolateScale >> 1;
                    for (int i = 0; i < n; i++)
                    {
                        sum += k[i] * source[columns[i] + c];
                    }

                    output[o + c] = (byte)Math.Clamp(sum >> InterpolateShift, 0, 255);
                }

                x += shrink;
            }
        }

        return output;
    }

    // vips_affine with scale on both axes, idx = idy = 0.5, the bicubic interpolator and a replicated edge.
    private static byte[] Enlarge(ReadOnlySpan<byte> source, int width, int height, int channels, double scale, int outWidth, int outHeight)
    {
        // vips__transform_calc_inverse; the input is embedded by window_offset + 1 = 2 pixels and idx moved by -1.
        double inverse = 1.0 / (scale * scale);
        double ia = inverse * scale, id = inverse * scale;
        const double Idx = 0.5 - 1, WindowOffset = 1, Embed = 2;
        var output = new byte[outWidth * outHeight * channels];
        Span<int> xs = stackalloc int[4];
        Span<int> ys = stackalloc int[4];
        Span<int> r = stackalloc int[4];
        int stride = width * channels;
        for (int oy = 0; oy < outHeight; oy++)
        {
            double iy = (id * oy) - Idx + WindowOffset;
            double ix = (ia * 0) - Idx + WindowOffset;
            int fy = (int)iy;
            var cy = BicubicMasks[MaskIndex(iy)];
            for (int j = 0; j < 4; j++)
            {
                ys[j] = Math.Clamp(fy - 1 + j - (int)Embed, 0, height - 1) * stride;
            }

            for (int ox = 0; ox < outWidth; ox++)
            {
                int fx = (int)ix;
                var cx = BicubicMasks[MaskIndex(ix)];
                for (int i = 0; i < 4; i++)
                {
                    xs[i] = Math.Clamp(fx - 1 + i - (int)Embed, 0, width - 1) * channels;
                }

                int o = ((oy * outWidth) + ox) * channels;
                for (int c = 0; c < channels; c++)
                {
                    for (int j = 0; j < 4; j++)
                    {
                        int row = ys[j] + c;
                        int v = (cx[0] * source[row + xs[0]]) + (cx[1] * source[row + xs[1]]) + (cx[2] * source[row + xs[2]]) + (cx[3] * source[row + xs[3]]);
                        r[j] = (v + (InterpolateScale >> 1)) >> InterpolateShift;
                    }

                    int value = ((cy[0] * r[0]) + (cy[1] * r[1]) + (cy[2] * r[2]) + (cy[3] * r[3]) + (InterpolateScale >> 1)) >> InterpolateShift;
                    output[o + c] = (byte)Math.Clamp(value, 0, 255);
                }

                ix += ia;
            }
        }

        return output;
    }

    // vips_reduce_get_points for Lanczos-3: 2 * rint(3 * shrink) + 1.
    private static int Points(double shrink) => (2 * (int)Math.Round(3 * shrink, MidpointRounding.ToEven)) + 1;

    // vips_reduce_make_mask at the 65 phases, then (short)(mask * 4096) (truncation).
    private static short[][] ReduceMasks(int n, double shrink)
    {
        var masks = new short[TransformScale + 1][];
        var c = new double[n];
        for (int phase = 0; phase <= TransformScale; phase++)
        {
            double x = (float)phase / TransformScale;
            double half = x + (n / 2.0) - 1;
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                double l = Lanczos3((i - half) / shrink);
                c[i] = l;
                sum += l;
            }

            masks[phase] = new short[n];
            for (int i = 0; i < n; i++)
            {
                masks[phase][i] = (short)(c[i] / sum * InterpolateScale);
            }
        }

        return masks;
    }

    private static double Lanczos3(double x) => x is >= -3 and <= 3 ? Sinc(x) * Sinc(x / 3) : 0.0;

    private static double Sinc(double x)
    {
        if (x == 0.0)
        {
            return 1.0;
        }

        x *= Math.PI;
        return Math.Sin(x) / x;
    }

    private static int[][] BuildBicubicMasks()
    {
        var masks = new int[TransformScale + 1][];
        for (int phase = 0; phase <= TransformScale; phase++)
        {
            // calculate_coefficients_catmull
            double x = (float)phase / TransformScale;
            double cr1 = 1.0 - x;
            double cr2 = -0.5 * x;
            double cr3 = cr1 * cr2;
            double cone = cr1 * cr3;
            double cfou = x * cr3;
            double cr4 = cfou - cone;
            double ctwo = cr1 - cone + cr4;
            double cthr = x - cfou - cr4;
            masks[phase] = [(int)(cone * InterpolateScale), (int)(ctwo * InterpolateScale), (int)(cthr * InterpolateScale), (int)(cfou * InterpolateScale)];
        }

        return masks;
    }

    private static int RoundUInt(double x) => (int)(x + 0.5);

    private static int RoundInt(double x) => x > 0 ? (int)(x + 0.5) : -(int)(0.5 - x);
}

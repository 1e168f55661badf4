namespace Multimodal.Sdk;

/// <summary>
/// The convolution filters of Pillow's <c>Resample.c</c>, written with the same double arithmetic so the
/// coefficients (and after rounding to fixed point, the pixels) are the ones Pillow computes.
/// </summary>
internal static class ResampleKernel
{
    /// <summary>Gets the filter's support (half width) at scale 1, in source pixels.</summary>
    public static double Support(ResampleFilter filter) => filter switch
    {
        ResampleFilter.Box => 0.5,
        ResampleFilter.Bilinear => 1.0,
        ResampleFilter.Hamming => 1.0,
        ResampleFilter.Bicubic => 2.0,
        ResampleFilter.Lanczos => 3.0,
        _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, "Nearest is not a convolution filter."),
    };

    public static double Evaluate(ResampleFilter filter, double x) => filter switch
    {
        ResampleFilter.Box => Box(x),
        ResampleFilter.Bilinear => Bilinear(x),
        ResampleFilter.Hamming => Hamming(x),
        ResampleFilter.Bicubic => Bicubic(x),
        ResampleFilter.Lanczos => Lanczos(x),
        _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, "Nearest is not a convolution filter."),
    };

    // Half-open on the left as in Pillow >= 7 ("x > -0.5 && x <= 0.5"): decides which pixel wins a tie.
    private static double Box(double x) => x > -0.5 && x <= 0.5 ? 1.0 : 0.0;

    private static double Bilinear(double x)
    {
        x = Math.Abs(x);
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    private static double Hamming(double x)
    {
        x = Math.Abs(x);
        if (x == 0.0)
        {
            return 1.0;
        }

        if (x >= 1.0)
        {
            return 0.0;
        }

        x *= Math.PI;

        // Pillow writes the window constants as C floats; keeping them float reproduces its coefficients bit for bit.
        return Math.Sin(x) / x * (0.54f + (0.46f * Math.Cos(x)));
    }

    private static double Bicubic(double x)
    {
        // Keys' cubic convolution with a = -0.5 (Pillow's choice; OpenCV uses -0.75).
        const double a = -0.5;
        x = Math.Abs(x);
        if (x < 1.0)
        {
            return ((((a + 2.0) * x) - (a + 3.0)) * x * x) + 1;
        }

        if (x < 2.0)
        {
            return ((((((x - 5) * x) + 8) * x) - 4) * a);
        }

        return 0.0;
    }

    private static double Sinc(double x)
    {
        if (x == 0.0)
        {
            return 1.0;
        }

        x *= Math.PI;
        return Math.Sin(x) / x;
    }

    private static double Lanczos(double x) => x >= -3.0 && x < 3.0 ? Sinc(x) * Sinc(x / 3) : 0.0;
}

namespace Multimodal.Sdk;

/// <summary>
/// The coefficients of a band-limited rational resampler by L/M: a Kaiser-windowed sinc low-pass, cut below the
/// lower of the two Nyquist frequencies, sampled at every fractional offset an output sample can fall on.
/// </summary>
/// <remarks>
/// Design (Kaiser's formulas): pass band to 90% of the lower Nyquist, stop band from 100% of it with
/// <see cref="StopbandAttenuationDb"/> attenuation, so nothing above the output Nyquist folds back into the audio.
/// One row per phase p/L holds the 2K+1 taps around an output sample. When L is large (rates with a small gcd such
/// as 44100 -> 16001) a table of every phase would be huge, so rows are kept on a finer-than-needed grid of phases
/// and the resampler interpolates linearly between the two nearest rows (the error is far below the stop band).
/// Immutable; safe for concurrent use.
/// </remarks>
internal sealed class PolyphaseFilterBank
{
    /// <summary>Stop-band attenuation the window is designed for, in dB.</summary>
    public const double StopbandAttenuationDb = 100;

    /// <summary>Pass-band edge as a fraction of the lower Nyquist frequency; the stop band starts at 1.0.</summary>
    public const double PassbandFraction = 0.9;

    private const int MaxExactPhases = 1024;
    private const int MaxInterpolatedPhases = 1024;
    private const int CoefficientBudget = 4 << 20;

    private readonly float[] _coefficients;

    private PolyphaseFilterBank(int up, int down, int halfTaps, int phases, bool interpolated, float[] coefficients)
    {
        Up = up;
        Down = down;
        HalfTaps = halfTaps;
        Phases = phases;
        Interpolated = interpolated;
        _coefficients = coefficients;
    }

    /// <summary>Gets L, the up-sampling factor of the reduced ratio.</summary>
    public int Up { get; }

    /// <summary>Gets M, the down-sampling factor of the reduced ratio.</summary>
    public int Down { get; }

    /// <summary>Gets K: each output sample reads the input samples from i-K to i+K around its position i + p/L.</summary>
    public int HalfTaps { get; }

    /// <summary>Gets the taps per row, 2K+1.</summary>
    public int Taps => (2 * HalfTaps) + 1;

    /// <summary>Gets the number of phase rows spanning one input sample: L when exact, the interpolation grid otherwise.</summary>
    public int Phases { get; }

    /// <summary>Gets a value indicating whether rows are interpolated (row <see cref="Phases"/> exists and stands for offset 1).</summary>
    public bool Interpolated { get; }

    /// <summary>Designs the bank for rational resampling by <paramref name="up"/>/<paramref name="down"/> (already reduced).</summary>
    public static PolyphaseFilterBank Create(int up, int down)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(up);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(down);

        // Everything in cycles per input sample: the band edge is the lower Nyquist (0.5 when up-sampling).
        double band = 0.5 * Math.Min(1.0, (double)up / down);
        double transition = (1 - PassbandFraction) * band;
        double cutoff = band * (1 + PassbandFraction) / 2;
        double beta = 0.1102 * (StopbandAttenuationDb - 8.7);
        double halfWidth = (StopbandAttenuationDb - 7.95) / (2.285 * 2 * Math.PI * transition) / 2;
        int halfTaps = (int)Math.Ceiling(halfWidth);
        int taps = (2 * halfTaps) + 1;

        bool exact = up <= MaxExactPhases && (long)up * taps <= CoefficientBudget;
        int phases = exact ? up : Math.Clamp((CoefficientBudget / taps) - 1, 16, MaxInterpolatedPhases);
        int rows = exact ? phases : phases + 1;
        var coefficients = new float[rows * taps];
        double i0Beta = BesselI0(beta);
        for (int p = 0; p < rows; p++)
        {
            double offset = (double)p / phases;
            Span<float> row = coefficients.AsSpan(p * taps, taps);
            for (int k = -halfTaps; k <= halfTaps; k++)
            {
                // Tap k weighs input sample i+k for an output at i + offset.
                double d = k - offset;
                double x = d / halfWidth;
                row[k + halfTaps] = Math.Abs(x) >= 1
                    ? 0f
                    : (float)(2 * cutoff * Sinc(2 * cutoff * d) * BesselI0(beta * Math.Sqrt(1 - (x * x))) / i0Beta);
            }
        }

        return new PolyphaseFilterBank(up, down, halfTaps, phases, !exact, coefficients);
    }

    /// <summary>Gets the taps of one phase row; tap j weighs input sample i-K+j.</summary>
    public ReadOnlySpan<float> Row(int phase) => _coefficients.AsSpan(phase * Taps, Taps);

    private static double Sinc(double x) => x == 0 ? 1 : Math.Sin(Math.PI * x) / (Math.PI * x);

    // Modified Bessel function of the first kind, order 0, by its power series (converges fast for beta ~ 10).
    private static double BesselI0(double x)
    {
        double sum = 1, term = 1, q = x * x / 4;
        for (int k = 1; k < 200 && term > 1e-17 * sum; k++)
        {
            term *= q / ((double)k * k);
            sum += term;
        }

        return sum;
    }
}

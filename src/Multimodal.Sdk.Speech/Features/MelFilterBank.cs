namespace Multimodal.Sdk;

/// <summary>
/// Slaney-style triangular mel filters with Slaney area normalization, as librosa's
/// <c>filters.mel(sr, n_fft, n_mels, htk=False, norm="slaney")</c> over 0..sr/2, computed in double precision and
/// stored as float32 like the reference. Each filter also records the range of FFT bins where it is non-zero, so the
/// projection skips the zeros (80 filters over 201 bins touch about 5 bins each).
/// </summary>
/// <remarks>Immutable; safe for concurrent use.</remarks>
internal sealed class MelFilterBank
{
    private const double FSp = 200.0 / 3;
    private const double MinLogHz = 1000.0;
    private const double MinLogMel = MinLogHz / FSp;
    private static readonly double LogStep = Math.Log(6.4) / 27.0;

    private readonly int[] _start;
    private readonly int[] _length;

    public MelFilterBank(int sampleRate, int nFft, int nMels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        ArgumentOutOfRangeException.ThrowIfLessThan(nFft, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nMels);
        MelCount = nMels;
        BinCount = (nFft / 2) + 1;
        Weights = new float[nMels * BinCount];
        _start = new int[nMels];
        _length = new int[nMels];

        var fftFreqs = new double[BinCount];
        for (int k = 0; k < BinCount; k++)
        {
            fftFreqs[k] = k * (sampleRate / 2.0) / (BinCount - 1);
        }

        double melMin = HzToMel(0), melMax = HzToMel(sampleRate / 2.0);
        var melF = new double[nMels + 2];
        for (int i = 0; i < melF.Length; i++)
        {
            melF[i] = MelToHz(melMin + ((melMax - melMin) * i / (nMels + 1)));
        }

        for (int m = 0; m < nMels; m++)
        {
            double lowerDiff = melF[m + 1] - melF[m], upperDiff = melF[m + 2] - melF[m + 1];
            double enorm = 2.0 / (melF[m + 2] - melF[m]);
            int first = -1, last = -1;
            for (int k = 0; k < BinCount; k++)
            {
                double lower = (fftFreqs[k] - melF[m]) / lowerDiff;
                double upper = (melF[m + 2] - fftFreqs[k]) / upperDiff;
                double w = Math.Max(0, Math.Min(lower, upper)) * enorm;
                float f = (float)w;
                Weights[(m * BinCount) + k] = f;
                if (f != 0)
                {
                    first = first < 0 ? k : first;
                    last = k;
                }
            }

            _start[m] = first < 0 ? 0 : first;
            _length[m] = first < 0 ? 0 : last - first + 1;
        }
    }

    public int MelCount { get; }

    public int BinCount { get; }

    /// <summary>Gets the filters, row-major [mels, bins].</summary>
    public float[] Weights { get; }

    /// <summary>Gets the first non-zero bin of a filter and how many bins it spans.</summary>
    public (int Start, int Length) Support(int mel) => (_start[mel], _length[mel]);

    private static double HzToMel(double f) => f >= MinLogHz ? MinLogMel + (Math.Log(Math.Max(f, 1e-10) / MinLogHz) / LogStep) : f / FSp;

    private static double MelToHz(double m) => m >= MinLogMel ? MinLogHz * Math.Exp(LogStep * (m - MinLogMel)) : FSp * m;
}

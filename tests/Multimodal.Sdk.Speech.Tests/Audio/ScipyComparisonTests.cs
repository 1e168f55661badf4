using System.Globalization;
using System.Runtime.InteropServices;
using Xunit.Abstractions;

namespace Multimodal.Sdk.Speech.Tests.Audio;

/// <summary>
/// Compares with scipy.signal.resample_poly (outputs committed by tools/reference/audio_resample_poly.py).
/// The filters differ by design (scipy: Kaiser beta 5, cut at the Nyquist; ours: 100 dB, cut 5% below), so this is
/// a sanity bound that catches gross errors (wrong delay, wrong gain, wrong ratio); docs/audio.md records the numbers.
/// </summary>
public class ScipyComparisonTests(ITestOutputHelper output)
{
    public static TheoryData<string, int, int, double> Cases() => new()
    {
        // name, source rate, target rate, bound on the RMS difference relative to the signal's RMS (dB)
        { "tones_44100_16000", 44100, 16000, -50 },
        { "chirp_48000_16000", 48000, 16000, -50 },
        { "noise_22050_16000", 22050, 16000, -14 },
        { "tones_8000_16000", 8000, 16000, -50 },
        { "tones_16000_44100", 16000, 44100, -50 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void OutputStaysCloseToScipyResamplePoly(string name, int sourceRate, int targetRate, double boundDb)
    {
        float[] x = Load(name + ".in.f32");
        float[] reference = Load(name + ".scipy.f32");
        float[] y = PolyphaseResampler.Resample(x, sourceRate, targetRate);
        Assert.Equal(reference.Length, y.Length);

        // Skip 50 ms at each end, where both pad with zeros but their filters' tails differ most.
        int edge = targetRate / 20;
        double diff2 = 0, ref2 = 0, maxAbs = 0;
        for (int n = edge; n < y.Length - edge; n++)
        {
            double d = y[n] - reference[n];
            diff2 += d * d;
            ref2 += (double)reference[n] * reference[n];
            maxAbs = Math.Max(maxAbs, Math.Abs(d));
        }

        double relativeDb = 10 * Math.Log10(diff2 / ref2);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: max |ours - scipy| = {maxAbs:E2}, RMS difference {relativeDb:F1} dB re signal"));
        Assert.True(relativeDb < boundDb, $"{name}: RMS difference {relativeDb:F1} dB");
    }

    private static float[] Load(string file) =>
        MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(RepoPaths.Fixtures("Audio", "resample_poly", file))).ToArray();
}

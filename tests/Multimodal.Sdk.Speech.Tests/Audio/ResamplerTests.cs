using System.Globalization;
using Xunit.Abstractions;

namespace Multimodal.Sdk.Speech.Tests.Audio;

public class ResamplerTests(ITestOutputHelper output)
{
    // The steady-state middle of the output: the ends hold the transient of a tone switched on and off abruptly.
    private static ReadOnlySpan<float> Middle(float[] y, int rate) => y.AsSpan(rate / 4, y.Length - (rate / 2));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TwelveKilohertzToneAt44100DoesNotAliasInto16000Output(bool vectorized)
    {
        float[] x = Signals.Tone(12000, 44100, 44100);
        float[] y = PolyphaseResampler.Resample(x, 44100, 16000, vectorized);

        // Without a low-pass the tone would fold to 16000 - 12000 = 4000 Hz at full scale.
        double alias = Signals.Amplitude(Middle(y, 16000), 4000, 16000);
        double peak = Signals.PeakAbs(Middle(y, 16000));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"4 kHz alias {Signals.Db(alias):F1} dBFS, residual peak {Signals.Db(peak):F1} dBFS"));
        Assert.True(Signals.Db(alias) < -60, $"4 kHz alias at {Signals.Db(alias):F1} dBFS");
        Assert.True(Signals.Db(peak) < -60, $"residual peak at {Signals.Db(peak):F1} dBFS");
    }

    [Fact]
    public void EveryToneAboveTheOutputNyquistIsAttenuatedBelowMinus60Db()
    {
        // A sweep over the whole stop band of 44.1 kHz -> 16 kHz (8 kHz to 22 kHz); docs/audio.md quotes the worst case.
        double worst = double.NegativeInfinity;
        double worstAt = 0;
        for (double f = 8000; f < 22050; f += 250)
        {
            float[] y = PolyphaseResampler.Resample(Signals.Tone(f, 44100, 44100), 44100, 16000);
            double level = Signals.Db(Signals.PeakAbs(Middle(y, 16000)));
            if (level > worst)
            {
                (worst, worstAt) = (level, f);
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"worst stop-band residual {worst:F1} dBFS at {worstAt} Hz"));
        Assert.True(worst < -60, $"{worst:F1} dBFS at {worstAt} Hz");
    }

    [Fact]
    public void PassBandUpToNinetyPercentOfTheOutputNyquistIsFlat()
    {
        double worst = 0;
        for (double f = 100; f <= 7200; f += 100)
        {
            float[] y = PolyphaseResampler.Resample(Signals.Tone(f, 44100, 44100, 0.5), 44100, 16000);
            worst = Math.Max(worst, Math.Abs(Signals.Db(Signals.Amplitude(Middle(y, 16000), f, 16000) / 0.5)));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"worst pass-band gain error {worst:E2} dB"));
        Assert.True(worst < 0.01, $"{worst} dB");
    }

    [Theory]
    [InlineData(44100, true)]
    [InlineData(44100, false)]
    [InlineData(48000, true)]
    [InlineData(22050, true)]
    [InlineData(8000, true)]
    [InlineData(32000, false)]
    [InlineData(11025, true)]
    [InlineData(44101, true)]
    public void OneKilohertzToneKeepsAmplitudeFrequencyAndTimingAt16000(int sourceRate, bool vectorized)
    {
        float[] x = Signals.Tone(1000, sourceRate, sourceRate, 0.5, phase: 0.3);
        float[] y = PolyphaseResampler.Resample(x, sourceRate, 16000, vectorized);

        // Zero delay: the output is the same sine sampled at 16 kHz, sample for sample.
        float[] expected = Signals.Tone(1000, 16000, y.Length, 0.5, phase: 0.3);
        ReadOnlySpan<float> got = Middle(y, 16000);
        ReadOnlySpan<float> want = Middle(expected, 16000);
        double maxError = 0;
        for (int n = 0; n < got.Length; n++)
        {
            maxError = Math.Max(maxError, Math.Abs(got[n] - want[n]));
        }

        double gainDb = Signals.Db(Signals.Amplitude(got, 1000, 16000) / 0.5);
        Assert.True(Math.Abs(gainDb) < 0.1, $"gain {gainDb:F4} dB");
        Assert.True(maxError < 1e-4, $"max error {maxError:E2} against the ideal 1 kHz sine");
    }

    [Theory]
    [InlineData(16000, 44100)]
    [InlineData(8000, 16000)]
    [InlineData(16000, 48000)]
    [InlineData(16001, 44100)]
    public void UpSamplingReproducesTheToneWithoutImages(int sourceRate, int targetRate)
    {
        float[] x = Signals.Tone(3000, sourceRate, sourceRate, 0.5);
        float[] y = PolyphaseResampler.Resample(x, sourceRate, targetRate);
        float[] expected = Signals.Tone(3000, targetRate, y.Length, 0.5);
        double maxError = 0;
        for (int n = targetRate / 4; n < y.Length - (targetRate / 4); n++)
        {
            maxError = Math.Max(maxError, Math.Abs(y[n] - expected[n]));
        }

        // Any image (sourceRate - 3000, ...) left by the interpolation would show up as error against the pure tone.
        Assert.True(Signals.Db(maxError) < -60, $"max error {Signals.Db(maxError):F1} dBFS");
    }

    [Theory]
    [InlineData(44100, 16000)]
    [InlineData(16000, 44100)]
    [InlineData(48000, 16000)]
    [InlineData(44100, 16001)]
    public void ChunkedStreamingGivesExactlyTheOneShotOutput(int sourceRate, int targetRate)
    {
        float[] x = Signals.Noise(30011, seed: sourceRate);
        float[] whole = PolyphaseResampler.Resample(x, sourceRate, targetRate);

        var resampler = new PolyphaseResampler(sourceRate, targetRate);
        var random = new Random(42);
        var streamed = new List<float>();
        for (int at = 0; at < x.Length;)
        {
            int size = Math.Min(x.Length - at, random.Next(0, 3) switch { 0 => random.Next(0, 3), 1 => random.Next(1, 50), _ => random.Next(500, 5000) });
            var output = new float[resampler.MaxOutputLength(size)];
            int n = resampler.Process(x.AsSpan(at, size), output);
            streamed.AddRange(output.AsSpan(0, n));
            at += size;
        }

        var tail = new float[resampler.MaxFlushLength];
        streamed.AddRange(tail.AsSpan(0, resampler.Flush(tail)));
        Assert.Equal(whole, streamed.ToArray());
    }

    [Theory]
    [InlineData(0, 44100, 16000, 0)]
    [InlineData(1, 44100, 16000, 1)]
    [InlineData(441, 44100, 16000, 160)]
    [InlineData(442, 44100, 16000, 161)]
    [InlineData(44100, 44100, 16000, 16000)]
    [InlineData(1, 16000, 44100, 3)]
    [InlineData(10, 8000, 16000, 20)]
    [InlineData(7, 3, 2, 5)]
    public void OutputLengthIsTheCeilingOfInputTimesTargetOverSource(int input, int sourceRate, int targetRate, int expected)
    {
        Assert.Equal(expected, PolyphaseResampler.OutputLength(input, sourceRate, targetRate));
        Assert.Equal(expected, PolyphaseResampler.Resample(new float[input], sourceRate, targetRate).Length);
    }

    [Fact]
    public void MatchingRatesReturnTheSamplesUnchanged()
    {
        float[] x = Signals.Noise(1000, seed: 3);
        float[] y = PolyphaseResampler.Resample(x, 16000, 16000);
        Assert.Equal(x, y);
        Assert.NotSame(x, y);
    }

    [Fact]
    public void ScalarAndVectorizedDotProductsAgree()
    {
        float[] x = Signals.Noise(20000, seed: 9);
        float[] simd = PolyphaseResampler.Resample(x, 44100, 16000, vectorized: true);
        float[] scalar = PolyphaseResampler.Resample(x, 44100, 16000, vectorized: false);
        Assert.Equal(scalar.Length, simd.Length);
        for (int n = 0; n < simd.Length; n++)
        {
            Assert.True(Math.Abs(simd[n] - scalar[n]) < 1e-5, $"sample {n}: {simd[n]} vs {scalar[n]}");
        }
    }

    [Fact]
    public void FilterBankIsExactForCommonRatesAndInterpolatedForHugeOnes()
    {
        var common = PolyphaseFilterBank.Create(160, 441);
        Assert.False(common.Interpolated);
        Assert.Equal(160, common.Phases);

        var odd = PolyphaseFilterBank.Create(16001, 44100);
        Assert.True(odd.Interpolated);

        // Every phase row is a unit-gain low-pass: DC passes unchanged.
        for (int p = 0; p < common.Phases; p++)
        {
            double sum = 0;
            foreach (float h in common.Row(p))
            {
                sum += h;
            }

            Assert.InRange(sum, 1 - 1e-4, 1 + 1e-4);
        }
    }

    [Fact]
    public void ProcessAfterFlushAndTooSmallOutputAreReported()
    {
        var resampler = new PolyphaseResampler(8000, 16000);
        Assert.Throws<ArgumentException>(() => resampler.Process(new float[1000], new float[10]));
        resampler.Flush(new float[resampler.MaxFlushLength + 2000]);
        Assert.Throws<InvalidOperationException>(() => resampler.Process(new float[1], new float[10]));
    }

    [Theory]
    [InlineData(0, 16000)]
    [InlineData(16000, -1)]
    [InlineData(1, 16000)]
    [InlineData(16_000_000, 8000)]
    public void InvalidOrExtremeRatesAreRejected(int sourceRate, int targetRate) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new PolyphaseResampler(sourceRate, targetRate));
}

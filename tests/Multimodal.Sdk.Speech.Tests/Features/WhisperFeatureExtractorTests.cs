namespace Multimodal.Sdk.Speech.Tests.Features;

public sealed class WhisperFeatureExtractorTests
{
    private static readonly AudioFeatureConfig Config =
        AudioFeatureConfig.From(ModelFolder.Open(TestData.WhisperPath).GetJson("preprocessor_config.json"));

    public static TheoryData<string, bool> Clips()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in TestData.ClipNames())
        {
            data.Add(name, true);
            data.Add(name, false);
        }

        return data;
    }

    [Fact]
    public void SlaneyFiltersComputedInCSharpMatchLibrosa()
    {
        var bank = new MelFilterBank(Config.SamplingRate, Config.NFft, Config.FeatureSize);
        var reference = TestData.ReadFloats("mel_filters_80x201.bin");
        Assert.Equal(reference.Length, bank.Weights.Length);
        for (int i = 0; i < reference.Length; i++)
        {
            Assert.True(Math.Abs(reference[i] - bank.Weights[i]) <= 1e-6f * Math.Max(1f, Math.Abs(reference[i])), $"weight {i}: {bank.Weights[i]} vs {reference[i]}");
        }
    }

    [Fact]
    public void MixedRadixFftOf400MatchesADirectDft()
    {
        var fft = new MixedRadixFft(400);
        var random = new Random(3);
        var x = Enumerable.Range(0, 400).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var re = new float[400];
        var im = new float[400];
        fft.Forward(x, re, im, new float[2 * fft.MaxRadix]);
        for (int k = 0; k < 400; k++)
        {
            double sr = 0, si = 0;
            for (int n = 0; n < 400; n++)
            {
                double a = -2 * Math.PI * k * n / 400;
                sr += x[n] * Math.Cos(a);
                si += x[n] * Math.Sin(a);
            }

            Assert.True(Math.Abs(sr - re[k]) < 1e-4 && Math.Abs(si - im[k]) < 1e-4, $"bin {k}: ({re[k]}, {im[k]}) vs ({sr}, {si})");
        }
    }

    [Theory]
    [MemberData(nameof(Clips))]
    public void LogMelMatchesTheReferenceWithinTolerance(string wav, bool vectorized)
    {
        var extractor = new WhisperFeatureExtractor(Config, vectorized);
        var audio = TestData.Wav(wav);
        var reference = TestData.ReadFloats(Path.ChangeExtension(wav, ".logmel.bin"));
        var actual = extractor.Compute(audio.Samples.Span);
        Assert.Equal(Config.FeatureSize * Config.NbMaxFrames, actual.Length);
        Assert.Equal(reference.Length, actual.Length);
        double max = 0, sum = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double d = Math.Abs(actual[i] - reference[i]);
            max = Math.Max(max, d);
            sum += d;
        }

        double mean = sum / actual.Length;
        Assert.True(max <= 1e-3 && mean <= 1e-4, $"{wav}: max |diff| {max:G3}, mean {mean:G3}");
    }

    [Fact]
    public void AudioLongerThanTheWindowIsCut()
    {
        var extractor = new WhisperFeatureExtractor(Config);
        var audio = TestData.Wav("long_12s.wav").Samples.Span;
        Assert.Equal(extractor.Compute(audio[..Config.NSamples]), extractor.Compute(audio));
    }
}

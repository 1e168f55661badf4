namespace Multimodal.Sdk.Speech.Tests.Audio;

/// <summary>Issue 19, classes 2 and 3: a WAV's sample rate and length are properties of the input, so their extremes are input errors.</summary>
public sealed class ExtremeAudioTests
{
    private static readonly Lazy<WhisperRecognizer> Recognizer = new(() => new WhisperRecognizer(TestData.WhisperPath));

    public static TheoryData<int> ExtremeRates() => [1, 8, 15, 16_384_001, 1_000_000_000];

    private static byte[] Wav(int rate, int samples) => WavBuilder.Pcm16(rate, 1, new short[samples]);

    [Theory]
    [MemberData(nameof(ExtremeRates))]
    public async Task TranscribingAudioLoadedAtAnExtremeRateIsAnInputError(int rate)
    {
        var audio = AudioFile.Read(new MemoryStream(Wav(rate, 64)));

        var ex = await Assert.ThrowsAsync<InputDecodeException>(() => Recognizer.Value.TranscribeAsync(audio));

        Assert.Contains("sample rate", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ExtremeRates))]
    public async Task TranscribingAWavStreamAtAnExtremeRateIsAnInputError(int rate)
    {
        await Assert.ThrowsAsync<InputDecodeException>(() => Recognizer.Value.TranscribeAsync(new MemoryStream(Wav(rate, 64))));
        Assert.Throws<InputDecodeException>(() => AudioFile.Read(new MemoryStream(Wav(rate, 64)), targetSampleRate: 16000));
    }

    [Fact]
    public async Task AudioLongerThanTheConfiguredDurationIsTooLarge()
    {
        using var recognizer = new WhisperRecognizer(TestData.WhisperPath, new MultimodalOptions { Limits = new InputLimits { MaxAudioDuration = TimeSpan.FromSeconds(40) } });
        var wav = Wav(16000, 16000 * 75);

        await Assert.ThrowsAsync<InputTooLargeException>(() => recognizer.TranscribeAsync(new MemoryStream(wav), new SpeechRecognitionOptions { MaxNewTokens = 2 }));
    }

    [Theory]
    [InlineData(float.NaN, 1)]
    [InlineData(float.PositiveInfinity, 1)]
    [InlineData(float.NegativeInfinity, 2)]
    public void NanOrInfiniteFloatSamplesAreRejectedNotPassedOn(float bad, int channels)
    {
        var samples = new float[4096 * channels];
        samples[1000] = bad;

        var ex = Assert.Throws<InputDecodeException>(() => AudioFile.Read(new MemoryStream(WavBuilder.Float32(16000, channels, samples))));

        Assert.Contains("rejected", ex.Message, StringComparison.Ordinal);
    }
}

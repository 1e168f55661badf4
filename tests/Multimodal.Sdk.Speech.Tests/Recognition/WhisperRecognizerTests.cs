using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Multimodal.Sdk.Speech.Tests.Recognition;

public sealed class WhisperRecognizerTests : IDisposable
{
    private static readonly string[] ShortClips = ["en_short.wav", "es_short.wav", "exact_3s.wav", "odd_length.wav", "silence.wav"];

    private readonly WhisperRecognizer _recognizer = new(TestData.WhisperPath);

    public void Dispose() => _recognizer.Dispose();

    public static TheoryData<string> Short() => [.. ShortClips];

    private static void AssertSegmentsMatch(JsonElement expected, IReadOnlyList<SpeechSegment> actual, double tolerance)
    {
        var want = expected.EnumerateArray().ToList();
        Assert.Equal(want.Select(w => w.GetProperty("text").GetString()), actual.Select(a => a.Text));
        for (int i = 0; i < want.Count; i++)
        {
            Assert.InRange(actual[i].Start.TotalSeconds, want[i].GetProperty("start").GetDouble() - tolerance, want[i].GetProperty("start").GetDouble() + tolerance);
            Assert.InRange(actual[i].End.TotalSeconds, want[i].GetProperty("end").GetDouble() - tolerance, want[i].GetProperty("end").GetDouble() + tolerance);
        }
    }

    [Theory]
    [MemberData(nameof(Short))]
    public async Task TranscriptionWithDetectedLanguageEqualsTheReference(string wav)
    {
        var clip = TestData.Clip(wav);
        var result = await _recognizer.TranscribeAsync(TestData.Wav(wav));
        Assert.Equal(clip.GetProperty("language").GetString(), result.Language);
        Assert.Equal(clip.GetProperty("transcribe").GetProperty("text").GetString(), result.Text);
        var tokens = clip.GetProperty("transcribe").GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32());
        Assert.Equal(tokens, result.Segments.SelectMany(s => s.Tokens));
    }

    [Theory]
    [MemberData(nameof(Short))]
    public async Task TimestampedSegmentsEqualTheReferenceTokensAndTimes(string wav)
    {
        var clip = TestData.Clip(wav).GetProperty("timestamps");
        var result = await _recognizer.TranscribeAsync(TestData.Wav(wav), new SpeechRecognitionOptions { Timestamps = true });
        AssertSegmentsMatch(clip.GetProperty("segments"), result.Segments, 0.02);
    }

    [Theory]
    [MemberData(nameof(Short))]
    public async Task LanguageDetectionAndNoSpeechProbabilityMatchTheReference(string wav)
    {
        var clip = TestData.Clip(wav);
        var detected = await _recognizer.DetectLanguageAsync(TestData.Wav(wav));
        Assert.Equal(clip.GetProperty("language").GetString(), detected.Language);
        Assert.Equal(clip.GetProperty("no_speech_prob").GetDouble(), detected.NoSpeechProbability, 0.005);
        Assert.Equal(1f, detected.Probabilities.Values.Sum(), 0.001f);
    }

    [Fact]
    public async Task SpanishClipTranslatesToTheReferenceEnglish()
    {
        var expected = TestData.Clip("es_short.wav").GetProperty("translate").GetProperty("text").GetString();
        var result = await _recognizer.TranscribeAsync(TestData.Wav("es_short.wav"), new SpeechRecognitionOptions { Task = SpeechTask.Translate });
        Assert.Equal("es", result.Language);
        Assert.Equal(expected, result.Text);
    }

    [Fact]
    public async Task SilenceGivesAnEmptyTranscriptWithHighNoSpeechProbability()
    {
        var result = await _recognizer.TranscribeAsync(TestData.Wav("silence.wav"), new SpeechRecognitionOptions { Timestamps = true });
        Assert.Equal(string.Empty, result.Text);
        Assert.Empty(result.Segments);
        Assert.True((await _recognizer.DetectLanguageAsync(TestData.Wav("silence.wav"))).NoSpeechProbability > 0.5f);
    }

    [Fact]
    public async Task LongAudioIsDecodedBySequentialWindowsLikeTheReference()
    {
        var clip = TestData.Clip("long_12s.wav").GetProperty("long_form");
        // The reference decoder: greedy, no fallback, no previous-text prompt.
        var options = new SpeechRecognitionOptions { Language = "en", Timestamps = true, Temperatures = [0f], ConditionOnPreviousText = false };
        var result = await _recognizer.TranscribeAsync(TestData.Wav("long_12s.wav"), options);
        AssertSegmentsMatch(clip.GetProperty("segments"), result.Segments, 0.02);
        Assert.Equal(clip.GetProperty("text").GetString(), result.Text);
    }

    [Fact]
    public async Task StreamedSegmentsEqualTheWholeResult()
    {
        var audio = TestData.Wav("long_12s.wav");
        var whole = await _recognizer.TranscribeAsync(audio);
        var streamed = new List<SpeechSegment>();
        await foreach (var segment in _recognizer.TranscribeStreamingAsync(audio))
        {
            streamed.Add(segment);
        }

        Assert.Equal(whole.Segments.Select(s => (s.Start, s.End, s.Text)), streamed.Select(s => (s.Start, s.End, s.Text)));
    }

    [Fact]
    public async Task AudioAtAnotherRateIsResampledToTheModelRate()
    {
        var audio = TestData.Wav("en_short.wav");
        var at48k = new AudioData(PolyphaseResampler.Resample(audio.Samples.Span, 16000, 48000), 48000);
        var result = await _recognizer.TranscribeAsync(at48k, new SpeechRecognitionOptions { Language = "en" });
        Assert.Equal(TestData.Clip("en_short.wav").GetProperty("transcribe").GetProperty("text").GetString(), result.Text);
    }

    [Fact]
    public async Task EmptyAudioIsRejectedWithAClearMessage()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => _recognizer.TranscribeAsync(new AudioData(Array.Empty<float>(), 16000)));
        Assert.Contains("no samples", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownLanguageIsRejectedNamingTheKnownOnes()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => _recognizer.TranscribeAsync(TestData.Wav("en_short.wav"), new SpeechRecognitionOptions { Language = "fr" }));
        Assert.Contains("en, es", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CaptionerFolderIsRejectedAsIncompatible()
    {
        var ex = Assert.Throws<ModelIncompatibleException>(() => new WhisperRecognizer(TestData.Model("tiny-captioner")));
        Assert.Contains("whisper", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DependencyInjectionResolvesDefaultAndNamedRecognizers()
    {
        var services = new ServiceCollection();
        services.AddMultimodal().AddSpeechRecognizer(TestData.WhisperPath).AddSpeechRecognizer("second", TestData.WhisperPath);
        await using var provider = services.BuildServiceProvider();
        var recognizer = provider.GetRequiredService<ISpeechRecognizer>();
        var named = provider.GetRequiredKeyedService<ISpeechRecognizer>("second");
        Assert.NotSame(recognizer, named);
        Assert.Equal("turn on the blue light", await recognizer.TranscribeTextAsync(TestData.Wav("en_short.wav")));
    }
}

public sealed class WhisperLogitsProcessorTests
{
    private static readonly WhisperTokens Tokens = new()
    {
        StartOfTranscript = 5,
        EndOfText = 4,
        NoTimestamps = 9,
        Transcribe = 8,
        Languages = [],
        Suppress = [6],
        BeginSuppress = [1],
        MaxInitialTimestampIndex = 2,
        TimeStep = 0.02,
    };

    // Vocabulary: 0..3 text, 4 eot, 5..9 specials, 10..19 timestamps.
    private static float[] Process(int[] generated, float[]? logits = null)
    {
        var scores = logits ?? Enumerable.Repeat(0f, 20).ToArray();
        int[] tokens = [5, .. generated];
        new WhisperLogitsProcessor(Tokens, timestamps: true).Process(new LogitsContext(tokens, 1, 0), scores);
        return scores;
    }

    [Fact]
    public void FirstTokenIsATimestampNoLaterThanTheMaximumInitialIndex()
    {
        var s = Process([]);
        Assert.All(s[..10], v => Assert.True(float.IsNegativeInfinity(v)));
        Assert.All(s[10..13], v => Assert.False(float.IsNegativeInfinity(v)));
        Assert.All(s[13..], v => Assert.True(float.IsNegativeInfinity(v)));
    }

    [Fact]
    public void AfterALoneTimestampComesTextOrItsPartnerNotAnEarlierTime()
    {
        var logits = new float[20];
        logits[4] = 5f;
        var s = Process([0, 1, 13], logits);
        Assert.All(s[..4], v => Assert.True(float.IsNegativeInfinity(v)));
        Assert.All(s[10..13], v => Assert.True(float.IsNegativeInfinity(v)));
        Assert.False(float.IsNegativeInfinity(s[13]));
        Assert.False(float.IsNegativeInfinity(s[4]));
    }

    [Fact]
    public void AfterATimestampPairComesTextOrTheEndNotAnotherTimestamp()
    {
        var s = Process([10, 1, 13, 13]);
        Assert.All(s[10..], v => Assert.True(float.IsNegativeInfinity(v)));
        Assert.False(float.IsNegativeInfinity(s[0]));
    }

    [Fact]
    public void SuppressedTokensAreAlwaysBannedAndNoTimestampsWithTimestamps()
    {
        var logits = new float[20];
        logits[1] = 5f;
        var s = Process([10, 1], logits);
        Assert.True(float.IsNegativeInfinity(s[6]));
        Assert.True(float.IsNegativeInfinity(s[9]));
        Assert.False(float.IsNegativeInfinity(s[1]));
    }

    [Fact]
    public void TimestampsMoreLikelyThanAnyTextForceATimestamp()
    {
        var logits = Enumerable.Repeat(0f, 20).ToArray();
        logits[0] = 1f;
        Array.Fill(logits, 0.9f, 10, 10);
        var s = Process([10, 1], logits);
        Assert.All(s[..10], v => Assert.True(float.IsNegativeInfinity(v)));
    }
}

public sealed class WhisperSegmenterTests
{
    [Fact]
    public void PairsOfTimestampsCutSegmentsAndTheLastCompleteOneSetsTheSeek()
    {
        // <0> a b <5><6> c <9><12> d: the last segment is cut off, so the next window starts where <9> closed the last complete one.
        var (segments, seek) = WhisperSegmenter.Split([100, 1, 2, 105, 106, 3, 109, 112, 4], 100);
        Assert.Equal([(0, 5), (6, 9)], segments.Select(s => (s.StartStep, s.EndStep)));
        Assert.Equal(9, seek);
    }

    [Fact]
    public void ASingleTimestampAtTheEndMeansTheWholeWindowWasUsed()
    {
        var (segments, seek) = WhisperSegmenter.Split([100, 1, 105, 106, 2, 109], 100);
        Assert.Equal(2, segments.Count);
        Assert.Null(seek);
    }

    [Fact]
    public void AWindowWithOnlyTheStartOfAnUtteranceSeeksToThatStart()
    {
        var (segments, seek) = WhisperSegmenter.Split([140], 100);
        Assert.Empty(segments);
        Assert.Equal(40, seek);
    }
}

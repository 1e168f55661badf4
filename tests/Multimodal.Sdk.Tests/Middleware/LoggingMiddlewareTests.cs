using Microsoft.Extensions.Logging;

namespace Multimodal.Sdk.Tests.Middleware;

/// <summary>Each logging middleware logs invocation, completion with sizes and timing, and failures; never content.</summary>
public class LoggingMiddlewareTests
{
    private readonly ListLogger _log = new();

    [Fact]
    public async Task ClipEncoderCallsAreLoggedWithCountsAndTimingButNoContent()
    {
        using var encoder = new LoggingClipEncoder(new FakeClipEncoder(), _log);
        await encoder.EmbedTextsAsync(["a secret label", "another"]);
        await encoder.EmbedImagesAsync([Fakes.Image]);

        AssertLine(LogLevel.Debug, "IClipEncoder.EmbedTextsAsync invoked: 2 text(s)");
        AssertLine(LogLevel.Debug, "IClipEncoder.EmbedTextsAsync completed in ");
        AssertLine(LogLevel.Debug, "2 embedding(s) of 3 dimension(s)");
        AssertLine(LogLevel.Debug, "IClipEncoder.EmbedImagesAsync invoked: 1 image(s) (0 file(s), 0 encoded byte(s), 4 raw pixel(s))");
        AssertNoContent();
    }

    [Fact]
    public async Task CaptionerFailuresAreLoggedAsErrorsWithTheExceptionAndRethrown()
    {
        var failure = new InputDecodeException("corrupt");
        using var captioner = new LoggingImageCaptioner(new FakeImageCaptioner(failure), _log);
        var thrown = await Assert.ThrowsAsync<InputDecodeException>(() => captioner.CaptionAsync([Fakes.Image]));

        Assert.Same(failure, thrown);
        var error = Assert.Single(_log.Lines, l => l.Level == LogLevel.Error);
        Assert.Same(failure, error.Exception);
        Assert.StartsWith("IImageCaptioner.CaptionAsync failed after ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VisualQaLogsGeneratedTokensButNeitherQuestionsNorAnswers()
    {
        using var visualQa = new LoggingVisualQa(new FakeVisualQa(), _log);
        await visualQa.AnswerAsync(Fakes.Image, ["what secret is shown?"]);

        AssertLine(LogLevel.Debug, "1 answer(s), 4 generated token(s)");
        AssertNoContent();
    }

    [Fact]
    public async Task SpeechStreamsLogEachSegmentAtTraceAndPassTheCallersStreamThrough()
    {
        var inner = new FakeSpeechRecognizer();
        using var recognizer = new LoggingSpeechRecognizer(inner, _log);
        using var audio = new MemoryStream(new byte[100]);
        var segments = new List<SpeechSegment>();
        await foreach (var s in recognizer.TranscribeStreamingAsync(audio))
        {
            segments.Add(s);
        }

        Assert.Same(audio, inner.StreamSeen);
        Assert.Equal(0, audio.Position);
        Assert.Equal(2, segments.Count);
        AssertLine(LogLevel.Debug, "ISpeechRecognizer.TranscribeStreamingAsync invoked: an audio stream (100 byte(s) left)");
        Assert.Equal(2, _log.Lines.Count(l => l.Level == LogLevel.Trace && l.Message.Contains("token(s)", StringComparison.Ordinal)));
        AssertLine(LogLevel.Trace, "item 1 after ");
        AssertLine(LogLevel.Debug, "ISpeechRecognizer.TranscribeStreamingAsync completed in ");
        AssertNoContent();
    }

    [Fact]
    public async Task CancellationIsLoggedAtDebugNotAsAnError()
    {
        using var recognizer = new LoggingSpeechRecognizer(new FakeSpeechRecognizer(), _log);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var unused in recognizer.TranscribeStreamingAsync(Fakes.Audio, cancellationToken: cts.Token))
            {
            }
        });

        AssertLine(LogLevel.Debug, "ISpeechRecognizer.TranscribeStreamingAsync canceled after ");
        Assert.DoesNotContain(_log.Lines, l => l.Level == LogLevel.Error);
    }

    [Fact]
    public async Task VoiceActivityDetectorLogsTheAudioLengthAndRegions()
    {
        using var detector = new LoggingVoiceActivityDetector(new FakeVoiceActivityDetector(), _log);
        await detector.DetectAsync(Fakes.Audio);
        await foreach (var unused in detector.DetectStreamingAsync(Fakes.Audio))
        {
        }

        AssertLine(LogLevel.Debug, "IVoiceActivityDetector.DetectAsync invoked: 1.00 s of audio (16000 sample(s) at 16000 Hz)");
        AssertLine(LogLevel.Debug, "1 region(s)");
        AssertLine(LogLevel.Trace, "0.10-0.50 s");
    }

    private void AssertLine(LogLevel level, string part) =>
        Assert.True(_log.Lines.Any(l => l.Level == level && l.Message.Contains(part, StringComparison.Ordinal)), $"No {level} line contains '{part}':\n{string.Join("\n", _log.Lines.Select(l => $"{l.Level}: {l.Message}"))}");

    private void AssertNoContent() =>
        Assert.DoesNotContain(_log.Lines, l => l.Message.Contains("secret", StringComparison.OrdinalIgnoreCase));
}

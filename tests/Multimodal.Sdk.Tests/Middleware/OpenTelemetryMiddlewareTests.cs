using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Multimodal.Sdk.Tests.Middleware;

/// <summary>
/// Each OpenTelemetry middleware records a span and the GenAI metrics under its source name. Every test uses a source
/// name of its own, so tests running in parallel do not see each other's telemetry.
/// </summary>
public sealed class OpenTelemetryMiddlewareTests : IDisposable
{
    private readonly string _source = "Multimodal.Sdk.Tests." + Guid.NewGuid().ToString("N");
    private readonly List<Activity> _spans = [];
    private readonly List<(string Name, double Value, Dictionary<string, object?> Tags)> _measurements = [];
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters;

    public OpenTelemetryMiddlewareTests()
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == _source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (_spans)
                {
                    _spans.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(_activities);
        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == _source)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meters.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _meters.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _meters.Start();
    }

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public async Task ClipEmbeddingsRecordAnEmbeddingsSpanAndTheOperationDuration()
    {
        using var encoder = new OpenTelemetryClipEncoder(new FakeClipEncoder(), _source, "tiny-clip");
        await encoder.EmbedImagesAsync([Fakes.Image, Fakes.Image]);

        var span = Assert.Single(_spans);
        Assert.Equal("embeddings tiny-clip", span.DisplayName);
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal("embeddings", span.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("tiny-clip", span.GetTagItem("gen_ai.request.model"));
        Assert.Equal("multimodal.sdk", span.GetTagItem("gen_ai.provider.name"));
        Assert.Equal(2, span.GetTagItem("multimodal.input.count"));
        var duration = Assert.Single(_measurements, m => m.Name == "gen_ai.client.operation.duration");
        Assert.True(duration.Value >= 0);
        Assert.Equal("embeddings", duration.Tags["gen_ai.operation.name"]);
        Assert.Equal("tiny-clip", duration.Tags["gen_ai.request.model"]);
        Assert.DoesNotContain(_measurements, m => m.Name == "gen_ai.client.token.usage");
    }

    [Fact]
    public async Task VisualQaRecordsTheGeneratedTokensAsOutputTokenUsage()
    {
        using var visualQa = new OpenTelemetryVisualQa(new FakeVisualQa(), _source, "tiny-vlm");
        await visualQa.AnswerAsync(Fakes.Image, ["one?", "two?"]);

        var span = Assert.Single(_spans);
        Assert.Equal("generate_content tiny-vlm", span.DisplayName);
        Assert.Equal("IVisualQa", span.GetTagItem("multimodal.pipeline"));
        Assert.Equal(8L, span.GetTagItem("gen_ai.usage.output_tokens"));
        var usage = Assert.Single(_measurements, m => m.Name == "gen_ai.client.token.usage");
        Assert.Equal(8, usage.Value);
        Assert.Equal("output", usage.Tags["gen_ai.token.type"]);
    }

    [Fact]
    public async Task AFailedCallSetsTheErrorTypeOnTheSpanAndTheDuration()
    {
        using var captioner = new OpenTelemetryImageCaptioner(new FakeImageCaptioner(new InputTooLargeException("too big", 10, 5)), _source, "tiny-captioner");
        await Assert.ThrowsAsync<InputTooLargeException>(() => captioner.CaptionAsync([Fakes.Image]));

        var span = Assert.Single(_spans);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(typeof(InputTooLargeException).FullName, span.GetTagItem("error.type"));
        Assert.Equal(typeof(InputTooLargeException).FullName, Assert.Single(_measurements).Tags["error.type"]);
    }

    [Fact]
    public async Task AStreamedTranscriptionIsOneSpanEndedWithTheStreamCountingEveryToken()
    {
        using var recognizer = new OpenTelemetrySpeechRecognizer(new FakeSpeechRecognizer(), _source, "tiny-whisper");
        await foreach (var unused in recognizer.TranscribeStreamingAsync(new MemoryStream(new byte[4])))
        {
            Assert.Empty(_spans);
        }

        var span = Assert.Single(_spans);
        Assert.Equal("speech_to_text tiny-whisper", span.DisplayName);
        Assert.Equal(5L, span.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.Equal(5, Assert.Single(_measurements, m => m.Name == "gen_ai.client.token.usage").Value);

        await recognizer.TranscribeAsync(Fakes.Audio);
        Assert.Equal("en", _spans[1].GetTagItem("gen_ai.response.language"));
    }

    [Fact]
    public async Task VoiceActivityDetectionIsTracedUnderItsOwnOperationName()
    {
        using var detector = new OpenTelemetryVoiceActivityDetector(new FakeVoiceActivityDetector(), _source, "silero");
        await detector.DetectAsync(Fakes.Audio);

        Assert.Equal("voice_activity_detection silero", Assert.Single(_spans).DisplayName);
        Assert.Equal("voice_activity_detection", Assert.Single(_measurements).Tags["gen_ai.operation.name"]);
    }

    [Fact]
    public void TheActivitySourceIsOfferedThroughGetService()
    {
        using var encoder = new OpenTelemetryClipEncoder(new FakeClipEncoder(), _source);
        Assert.Equal(_source, Assert.IsType<ActivitySource>(encoder.GetService(typeof(ActivitySource))).Name);
        Assert.IsType<FakeClipEncoder>(encoder.GetService(typeof(FakeClipEncoder)));
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        lock (_measurements)
        {
            _measurements.Add((instrument.Name, value, copy));
        }
    }
}

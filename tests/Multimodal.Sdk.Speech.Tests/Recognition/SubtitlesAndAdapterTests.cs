using Microsoft.Extensions.AI;

using Multimodal.Sdk.Speech.Tests.Audio;

namespace Multimodal.Sdk.Speech.Tests.Recognition;

public sealed class SubtitlesTests
{
    private static readonly SpeechSegment[] Segments =
    [
        new(TimeSpan.FromSeconds(0.44), TimeSpan.FromSeconds(2.1), "there are eight blue squares", -0.1, 0, []),
        new(TimeSpan.FromSeconds(3725.5), TimeSpan.FromSeconds(3726.02), "set a timer", -0.1, 0, []),
        new(TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5), string.Empty, -0.1, 0, []),
    ];

    [Fact]
    public void SrtNumbersCuesAndUsesCommaMilliseconds()
    {
        Assert.Equal("1\n00:00:00,440 --> 00:00:02,100\nthere are eight blue squares\n\n2\n01:02:05,500 --> 01:02:06,020\nset a timer\n\n", Subtitles.ToSrt(Segments));
    }

    [Fact]
    public void WebVttHasTheHeaderAndDotMilliseconds()
    {
        Assert.Equal("WEBVTT\n\n00:00:00.440 --> 00:00:02.100\nthere are eight blue squares\n\n01:02:05.500 --> 01:02:06.020\nset a timer\n\n", Subtitles.ToWebVtt(Segments));
    }
}

#pragma warning disable MEAI001 // ISpeechToTextClient is experimental in Microsoft.Extensions.AI.
public sealed class SpeechToTextClientAdapterTests
{
    [Fact]
    public async Task AdapterTranscribesAStreamAndTranslatesWhenEnglishTextIsAsked()
    {
        using var client = new SpeechToTextClientAdapter(new WhisperRecognizer(TestData.WhisperPath), ownsRecognizer: true);
        await using (var stream = File.OpenRead(TestData.Fixture("es_short.wav")))
        {
            var response = await client.GetTextAsync(stream);
            Assert.Equal("cierra la puerta", response.Text);
        }

        await using (var stream = File.OpenRead(TestData.Fixture("es_short.wav")))
        {
            var response = await client.GetTextAsync(stream, new SpeechToTextOptions { SpeechLanguage = "es", TextLanguage = "en" });
            Assert.Equal("close the door", response.Text);
        }

        await using (var stream = File.OpenRead(TestData.Fixture("long_12s.wav")))
        {
            var updates = new List<SpeechToTextResponseUpdate>();
            await foreach (var update in client.GetStreamingTextAsync(stream, new SpeechToTextOptions { SpeechLanguage = "en" }))
            {
                updates.Add(update);
            }

            // One update per segment of the zoo's reference decoding (expected.json), in order, with its times.
            var reference = TestData.Clip("long_12s.wav").GetProperty("long_form").GetProperty("segments").EnumerateArray().ToList();
            Assert.Equal(reference.Select(s => s.GetProperty("text").GetString()), updates.Select(u => u.Text));
            Assert.Equal(TimeSpan.FromSeconds(reference[0].GetProperty("start").GetDouble()), updates[0].StartTime);
        }
    }
}
public sealed class SpeechToTextClientStreamingTests
{
    [Fact]
    public async Task UpdatesArriveBeforeTheStreamIsReadToItsEndThroughAWrappedRecognizer()
    {
        // 61.5 s: long_12s.wav five times over, as one WAV read forward only.
        var clip = WavBuilder.ToInt16(TestData.Wav("long_12s.wav"));
        var wav = WavBuilder.Pcm16(16000, 1, [.. Enumerable.Repeat(clip, 5).SelectMany(c => c)]);
        var stream = new CountingStream(wav);

        // Middleware in between (logging, telemetry, one of the caller's own): the adapter no longer looks for a
        // WhisperRecognizer, it hands the stream to ISpeechRecognizer's stream input, which every layer passes on.
        ISpeechRecognizer recognizer = new PassThroughRecognizer(new OpenTelemetrySpeechRecognizer(new LoggingSpeechRecognizer(
            new WhisperRecognizer(TestData.WhisperPath), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)));
        using var client = new SpeechToTextClientAdapter(recognizer, ownsRecognizer: true);
        long readAtFirstUpdate = -1;
        var updates = new List<SpeechToTextResponseUpdate>();
        await foreach (var update in client.GetStreamingTextAsync(stream, new SpeechToTextOptions { SpeechLanguage = "en" }))
        {
            readAtFirstUpdate = readAtFirstUpdate < 0 ? stream.BytesRead : readAtFirstUpdate;
            updates.Add(update);
        }

        Assert.True(readAtFirstUpdate > 0 && readAtFirstUpdate < wav.Length / 2, $"{readAtFirstUpdate} of {wav.Length} bytes read at the first update");
        Assert.Equal(wav.Length, stream.BytesRead);
        Assert.True(updates[^1].EndTime > TimeSpan.FromSeconds(48), $"last update ends at {updates[^1].EndTime}");
    }

    private sealed class PassThroughRecognizer(ISpeechRecognizer inner) : DelegatingSpeechRecognizer(inner);

    // Forward only (not seekable), counting what has been read.
    private sealed class CountingStream(byte[] data) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = (int)Math.Min(count, data.Length - BytesRead);
            data.AsSpan((int)BytesRead, n).CopyTo(buffer.AsSpan(offset));
            BytesRead += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
#pragma warning restore MEAI001

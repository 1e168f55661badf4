using System.Runtime.CompilerServices;
using Multimodal.Sdk.Speech.Tests.Audio;

namespace Multimodal.Sdk.Speech.Tests.Vad;

/// <summary>
/// VAD transcription of a file or stream reads it block by block: the same chunks and segments as the whole-clip path,
/// while holding only the chunk being filled and the region in progress, not the clip.
/// </summary>
public sealed class StreamingVoiceActivityTests : IDisposable
{
    private readonly SileroVoiceActivityDetector _vad = new(VadTestData.Model);
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-vad-stream-").FullName;

    public void Dispose()
    {
        _vad.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task StreamedFileGivesTheChunksAndSegmentsOfTheWholeClip()
    {
        string path = Path.Combine(VadTestData.Fixtures, "long_61s.wav");
        var chunking = new VoiceActivityTranscriptionOptions { MaxChunkDuration = TimeSpan.FromSeconds(10) };
        var whole = new ChunkRecorder();
        var streamed = new ChunkRecorder();
        var wrapped = new ChunkRecorder();

        var expected = await whole.TranscribeWithVoiceActivityAsync(_vad, AudioFile.Read(path, 16000), null, chunking);
        var actual = await streamed.TranscribeWithVoiceActivityAsync(_vad, path, null, chunking);
        using var recognizer = new VoiceActivitySpeechRecognizer(wrapped, _vad, chunking);
        await using var file = File.OpenRead(path);
        var fromStream = await recognizer.TranscribeAsync(file);

        Assert.True(whole.Chunks.Count >= 4, $"{whole.Chunks.Count} chunks");
        Assert.Equal(whole.Chunks, streamed.Chunks);
        Assert.Equal(whole.Chunks, wrapped.Chunks);
        Assert.Equal(expected.Segments.Select(s => (s.Start, s.End)), actual.Segments.Select(s => (s.Start, s.End)));
        Assert.Equal(expected.Segments.Select(s => (s.Start, s.End)), fromStream.Segments.Select(s => (s.Start, s.End)));
    }

    [Fact]
    public async Task LongSilenceBetweenSpeechIsNotHeldInMemory()
    {
        // Speech, four minutes of silence, the speech again: 5.5 minutes that the whole-clip path would hold at once.
        var speech = AudioFile.Read(Path.Combine(VadTestData.Fixtures, "long_61s.wav"), 16000).Samples.ToArray();
        var samples = new List<float>(speech);
        samples.AddRange(new float[4 * 60 * 16000]);
        samples.AddRange(speech);
        string path = Path.Combine(_dir, "long.wav");
        File.WriteAllBytes(path, WavBuilder.Pcm16(16000, 1, [.. samples.Select(s => (short)Math.Round(Math.Clamp(s, -1f, 1f) * 32767))]));
        var recognizer = new ChunkRecorder();
        var held = new StrongBox<long>();

        var segments = new List<SpeechSegment>();
        await foreach (var s in VoiceActivityTranscriber.StreamEncodedAsync(recognizer, _vad, rate => AudioReader.Open(path, rate), null, null, new VoiceActivityTranscriber.Run(), held, default))
        {
            segments.Add(s);
        }

        // 30 s chunks: the open chunk plus a region in progress (each at most 30 s) and padding.
        Assert.InRange(held.Value, 1, 65 * 16000);
        Assert.True(held.Value < samples.Count / 4, $"held {held.Value} of {samples.Count} samples");
        Assert.True(segments[^1].End > TimeSpan.FromMinutes(5), $"the last segment ends at {segments[^1].End}");
        Assert.All(recognizer.Chunks, c => Assert.True(c <= TimeSpan.FromSeconds(30), $"a chunk of {c}"));
    }

    [Fact]
    public async Task AFileWithNoSamplesIsADecodeError()
    {
        string path = Path.Combine(_dir, "empty.wav");
        File.WriteAllBytes(path, WavBuilder.Pcm16(16000, 1, []));

        await Assert.ThrowsAsync<InputDecodeException>(() => new ChunkRecorder().TranscribeWithVoiceActivityAsync(_vad, path));
    }

    /// <summary>Records each chunk's length and answers one segment per chunk.</summary>
    private sealed class ChunkRecorder : ISpeechRecognizer
    {
        public List<TimeSpan> Chunks { get; } = [];

        public Task<SpeechRecognitionResult> TranscribeAsync(AudioData audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default)
        {
            Chunks.Add(audio.Duration);
            var segment = new SpeechSegment(TimeSpan.Zero, audio.Duration, $"chunk{Chunks.Count}", -0.1, 0.01, [1]);
            return Task.FromResult(new SpeechRecognitionResult(segment.Text, "en", 0.9f, [segment]));
        }

        public async IAsyncEnumerable<SpeechSegment> TranscribeStreamingAsync(AudioData audio, SpeechRecognitionOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var s in (await TranscribeAsync(audio, options, cancellationToken)).Segments)
            {
                yield return s;
            }
        }

        public Task<SpeechRecognitionResult> TranscribeAsync(Stream audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public IAsyncEnumerable<SpeechSegment> TranscribeStreamingAsync(Stream audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<LanguageDetectionResult> DetectLanguageAsync(AudioData audio, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}

using System.Text.Json;

namespace Multimodal.Sdk.Video.Tests.Transcript;

[Collection(VideoCollection.Name)]
public sealed class VideoSpeechTests(VideoWorld world, EdgeClips clips) : IDisposable
{
    private readonly WhisperRecognizer _whisper = new(TestData.Model("tiny-whisper"));

    [Fact]
    public async Task TheAudioTrackOfZooClipsIsTranscribedWithTimesInTheVideo()
    {
        var spoken = world.Clips.Where(c => c.GetProperty("audio_text").ValueKind == JsonValueKind.String).Take(4).ToList();
        int exact = 0;
        foreach (var clip in spoken)
        {
            var result = await _whisper.TranscribeVideoAsync(world.PathOf(clip), new SpeechRecognitionOptions { Language = "en", Timestamps = true });
            exact += string.Equals(result.Text.Trim().TrimEnd('.').ToLowerInvariant(), clip.GetProperty("audio_text").GetString(), StringComparison.Ordinal) ? 1 : 0;
            Assert.All(result.Segments, s => Assert.InRange(s.End.TotalSeconds, 0, clip.GetProperty("duration").GetDouble() + 0.5));
            Assert.Contains("-->", Subtitles.ToSrt(result.Segments), StringComparison.Ordinal);
        }

        Assert.True(exact >= spoken.Count - 1, $"{exact} of {spoken.Count} transcripts exact");
    }

    [Fact]
    public async Task AVideoWithoutAudioSaysSo()
    {
        var e = await Assert.ThrowsAsync<InputDecodeException>(() => _whisper.TranscribeVideoAsync(clips.NoAudio));
        Assert.Contains("no audio track", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _whisper.Dispose();
}

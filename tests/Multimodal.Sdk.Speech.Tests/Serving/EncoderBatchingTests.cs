using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Multimodal.Sdk.Speech.Tests.Serving;

/// <summary><c>UseBatching()</c> on speech recognition: the encoder runs of concurrent windows share batches, each call decodes on its own and gets its unbatched transcript.</summary>
public sealed class EncoderBatchingTests
{
    [Fact]
    public async Task ConcurrentTranscriptionsShareEncoderBatchesAndEqualTheUnbatchedTranscripts()
    {
        var clips = TestData.ClipNames().Take(6).Select(TestData.Wav).ToList();
        using var whisper = new WhisperRecognizer(TestData.WhisperPath);
        var unbatched = new List<string>();
        foreach (var clip in clips)
        {
            unbatched.Add((await whisper.TranscribeAsync(clip)).Text);
        }

        var sizes = new ConcurrentQueue<int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Multimodal.Sdk" && instrument.Name == "multimodal.batch.size")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        string model = $"encoder-batching-{Guid.NewGuid():N}"; // only this test's batches (others run in parallel)
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "gen_ai.request.model" && (string?)tag.Value == model)
                {
                    sizes.Enqueue(value);
                }
            }
        });
        listener.Start();

        // Two batch slots: while the first window runs alone, the others gather (MaxWait) into the second batch.
        ((IEncoderBatching)whisper.GetService(typeof(IEncoderBatching))!).EnableEncoderBatching(
            new BatchingOptions { MaxBatchSize = 8, MaxConcurrentBatches = 2, MaxWait = TimeSpan.FromSeconds(2) }, model);
        var batched = await Task.WhenAll(clips.Select(c => Task.Run(async () => (await whisper.TranscribeAsync(c)).Text)));

        Assert.Equal(unbatched, batched);
        Assert.True(sizes.Count > 0 && sizes.Max() > 1, $"encoder batches: {string.Join(",", sizes)}");
        Assert.True(sizes.Sum() >= clips.Count, $"{sizes.Sum()} windows encoded for {clips.Count} clips"); // a long clip has several
    }

    [Fact]
    public async Task ACancelledTranscriptionEndsWhileTheOthersInItsBatchFinish()
    {
        using var whisper = new WhisperRecognizer(TestData.WhisperPath);
        var clip = TestData.Wav(TestData.ClipNames().First());
        string expected = (await whisper.TranscribeAsync(clip)).Text;
        ((IEncoderBatching)whisper.GetService(typeof(IEncoderBatching))!).EnableEncoderBatching(
            new BatchingOptions { MaxBatchSize = 8, MaxConcurrentBatches = 2, MaxWait = TimeSpan.FromSeconds(1) }, null);

        using var cancel = new CancellationTokenSource();
        var others = Enumerable.Range(0, 3).Select(_ => Task.Run(() => whisper.TranscribeAsync(clip))).ToList();
        var leaving = Task.Run(() => whisper.TranscribeAsync(clip, cancellationToken: cancel.Token));
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaving);
        foreach (var other in others)
        {
            Assert.Equal(expected, (await other).Text);
        }
    }
}

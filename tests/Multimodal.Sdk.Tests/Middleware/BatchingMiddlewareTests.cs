using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;

namespace Multimodal.Sdk.Tests.Middleware;

/// <summary>
/// <see cref="BatchingClipEncoder"/> and <see cref="BatchingImageCaptioner"/> over a recording fake: concurrent calls
/// become one inner batch, results go back to their callers, cancellation and failures stay with their caller.
/// </summary>
public class BatchingMiddlewareTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task CallsThatArriveWhileABatchRunsShareTheNextBatch()
    {
        var inner = new RecordingClipEncoder();
        using var batching = new BatchingClipEncoder(inner, new BatchingOptions { MaxBatchSize = 16, MaxWait = TimeSpan.Zero });
        var first = batching.EmbedTextsAsync(["t0"]);
        await inner.WaitStartedAsync();
        var rest = Enumerable.Range(1, 10).Select(i => batching.EmbedTextsAsync([$"t{i}"])).ToList();
        inner.Release(2);

        var results = await Task.WhenAll(rest.Prepend(first)).WaitAsync(Timeout);
        Assert.Equal([1, 10], inner.BatchSizes);
        for (int i = 0; i <= 10; i++)
        {
            Assert.Equal(RecordingClipEncoder.Vector($"t{i}"), results[i][0].Vector.ToArray());
        }
    }

    [Fact]
    public async Task ABatchHoldsAtMostMaxBatchSizeItems()
    {
        var inner = new RecordingClipEncoder();
        using var batching = new BatchingClipEncoder(inner, new BatchingOptions { MaxBatchSize = 16, MaxWait = TimeSpan.Zero });
        var first = batching.EmbedTextsAsync(["first"]);
        await inner.WaitStartedAsync();
        var rest = Enumerable.Range(0, 40).Select(i => batching.EmbedTextsAsync([$"t{i}"])).ToList();
        inner.Release(4);
        await Task.WhenAll(rest.Prepend(first)).WaitAsync(Timeout);
        Assert.Equal([1, 16, 16, 8], inner.BatchSizes);
    }

    [Fact]
    public async Task WhileABatchRunsAFreeSlotWaitsMaxWaitForMoreCalls()
    {
        var inner = new RecordingClipEncoder();
        using var batching = new BatchingClipEncoder(inner, new BatchingOptions { MaxBatchSize = 8, MaxWait = TimeSpan.FromSeconds(2), MaxConcurrentBatches = 2 });
        var first = batching.EmbedTextsAsync(["first"]);
        await inner.WaitStartedAsync();
        var calls = new List<Task<IReadOnlyList<Embedding<float>>>>();
        for (int i = 0; i < 8; i++)
        {
            calls.Add(batching.EmbedTextsAsync([$"t{i}"]));
            await Task.Delay(20);
        }

        inner.Release(2);
        await Task.WhenAll(calls.Prepend(first)).WaitAsync(Timeout);
        Assert.Equal([1, 8], inner.BatchSizes);
    }

    [Fact]
    public async Task AnIdleModelRunsTheFirstCallAtOnceWithoutWaitingMaxWait()
    {
        var inner = new RecordingClipEncoder { Blocking = false };
        using var batching = new BatchingClipEncoder(inner, new BatchingOptions { MaxBatchSize = 8, MaxWait = TimeSpan.FromSeconds(30) });
        await batching.EmbedTextsAsync(["alone"]).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([1], inner.BatchSizes);
    }

    [Fact]
    public async Task ImagesArePreparedOnTheCallersThreadBeforeTheyJoinABatch()
    {
        var inner = new RecordingClipEncoder { Blocking = false, Preparer = new NamingPreparer() };
        using var batching = new BatchingClipEncoder(inner, new BatchingOptions { MaxWait = TimeSpan.Zero });
        var result = await batching.EmbedImagesAsync([ImageData.FromBytes(new byte[] { 1 }, "a"), ImageData.FromBytes(new byte[] { 2 }, "bc")]).WaitAsync(Timeout);
        Assert.Equal(RecordingClipEncoder.Vector("prepared a"), result[0].Vector.ToArray());
        Assert.Equal(RecordingClipEncoder.Vector("prepared bc"), result[1].Vector.ToArray());

        var failing = batching.EmbedImagesAsync([ImageData.FromBytes(new byte[] { 3 }, "broken")]);
        await Assert.ThrowsAsync<InputDecodeException>(() => failing);
        Assert.Equal([2], inner.BatchSizes); // the image that failed to prepare never reached a batch
    }

    [Fact]
    public async Task ACancelledCallerEndsAtOnceWhileTheOthersGetTheirResults()
    {
        var inner = new RecordingClipEncoder();
        using var batching = new BatchingClipEncoder(inner, new BatchingOptions { MaxWait = TimeSpan.Zero });
        var first = batching.EmbedTextsAsync(["first"]);
        await inner.WaitStartedAsync();
        using var cancel = new CancellationTokenSource();
        var cancelled = batching.EmbedTextsAsync(["leaves"], cancel.Token);
        var stays = batching.EmbedTextsAsync(["stays"]);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(TimeSpan.FromSeconds(5)));
        inner.Release(2);

        Assert.Equal(RecordingClipEncoder.Vector("stays"), (await stays.WaitAsync(Timeout))[0].Vector.ToArray());
        await first.WaitAsync(Timeout);
        Assert.Equal([1, 1], inner.BatchSizes); // the cancelled item never reached the model
    }

    [Fact]
    public async Task TheModelRunIsCancelledWhenEveryCallerInItsBatchHasCancelled()
    {
        var inner = new RecordingClipEncoder();
        using var batching = new BatchingClipEncoder(inner, new BatchingOptions { MaxWait = TimeSpan.Zero });
        var first = batching.EmbedTextsAsync(["x"]);
        await inner.WaitStartedAsync();
        using var a = new CancellationTokenSource();
        var left = batching.EmbedTextsAsync(["a"], a.Token);
        var stays = batching.EmbedTextsAsync(["b"]);
        inner.Release(1);
        await first.WaitAsync(Timeout);

        // One caller of the running batch [a, b] leaves: the model keeps running for the other.
        await inner.WaitStartedAsync();
        await a.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => left);
        Assert.False(inner.RunToken.IsCancellationRequested);
        inner.Release(1);
        Assert.Equal(RecordingClipEncoder.Vector("b"), (await stays.WaitAsync(Timeout))[0].Vector.ToArray());
        Assert.False(inner.Cancelled.IsCompleted);

        // A batch whose only caller leaves: the token the model runs with fires (ModelSession turns it into RunOptions.Terminate).
        using var c = new CancellationTokenSource();
        var alone = batching.EmbedTextsAsync(["c"], c.Token);
        await inner.WaitStartedAsync();
        await c.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => alone);
        await inner.Cancelled.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AnInputThatFailsFailsOnlyItsOwnCaller()
    {
        var inner = new RecordingClipEncoder { FailOn = "bad" };
        using var batching = new BatchingClipEncoder(inner, new BatchingOptions { MaxBatchSize = 8 });
        var first = batching.EmbedTextsAsync(["first"]);
        await inner.WaitStartedAsync();
        var calls = new[] { "good0", "bad", "good1", "good2" }.Select(t => batching.EmbedTextsAsync([t])).ToList();
        inner.Release(6);
        await first.WaitAsync(Timeout);
        await Assert.ThrowsAsync<InputDecodeException>(() => calls[1].WaitAsync(Timeout));
        Assert.Equal(RecordingClipEncoder.Vector("good0"), (await calls[0].WaitAsync(Timeout))[0].Vector.ToArray());
        Assert.Equal(RecordingClipEncoder.Vector("good2"), (await calls[3].WaitAsync(Timeout))[0].Vector.ToArray());
        Assert.Equal([1, 4, 1, 1, 1, 1], inner.BatchSizes); // the first alone, the shared batch, then each item alone
    }

    [Fact]
    public async Task AFullQueueRefusesWithPipelineBusy()
    {
        var inner = new RecordingClipEncoder();
        using var batching = new BatchingClipEncoder(inner, new BatchingOptions { MaxBatchSize = 2, MaxQueueLength = 3, MaxWait = TimeSpan.Zero, RetryAfter = TimeSpan.FromSeconds(2) });
        var first = batching.EmbedTextsAsync(["running"]);
        await inner.WaitStartedAsync();
        var queued = Enumerable.Range(0, 3).Select(i => batching.EmbedTextsAsync([$"q{i}"])).ToList();
        var busy = await Assert.ThrowsAsync<PipelineBusyException>(() => batching.EmbedTextsAsync(["one too many"]));
        Assert.Equal(TimeSpan.FromSeconds(2), busy.RetryAfter);
        inner.Release(10);
        await Task.WhenAll(queued.Prepend(first)).WaitAsync(Timeout);
    }

    [Fact]
    public async Task BatchSizesAreRecordedAsAMetric()
    {
        var sizes = new ConcurrentBag<int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Multimodal.Sdk" && instrument.Name == "multimodal.batch.size")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "gen_ai.request.model" && (string?)tag.Value == "metric-test-model")
                {
                    sizes.Add(value);
                }
            }
        });
        listener.Start();

        var inner = new RecordingClipEncoder();
        using var batching = new BatchingClipEncoder(inner, new BatchingOptions { MaxWait = TimeSpan.Zero }, "metric-test-model");
        var first = batching.EmbedImagesAsync([Fakes.Image]);
        await inner.WaitStartedAsync();
        var rest = Enumerable.Range(0, 5).Select(_ => batching.EmbedImagesAsync([Fakes.Image])).ToList();
        inner.Release(2);
        await Task.WhenAll(rest.Prepend(first)).WaitAsync(Timeout);
        Assert.Equal([1, 5], sizes.Order());
    }

    [Fact]
    public async Task CaptionCallsShareABatchOnlyWithEqualOptions()
    {
        var inner = new RecordingCaptioner();
        using var batching = new BatchingImageCaptioner(inner, new BatchingOptions { MaxBatchSize = 8 });
        var beamOptions = new CaptionOptions { NumBeams = 3 };

        // A greedy and a beam-search batch hold the model; what arrives meanwhile queues by options.
        var blockers = new[] { batching.CaptionAsync([Fakes.Image]), batching.CaptionAsync([Fakes.Image], beamOptions) };
        await inner.WaitStartedAsync(2);
        var greedy = Enumerable.Range(0, 3).Select(_ => batching.CaptionAsync([Fakes.Image])).ToList();
        var beams = Enumerable.Range(0, 2).Select(_ => batching.CaptionAsync([Fakes.Image], beamOptions)).ToList();
        var sampled = batching.CaptionAsync([Fakes.Image], new CaptionOptions { DoSample = true, Seed = 1 });
        await inner.WaitStartedAsync(1);
        inner.Release(5);
        await Task.WhenAll(blockers.Concat(greedy).Concat(beams).Append(sampled)).WaitAsync(Timeout);
        Assert.Equal(["1:", "1:", "1:3", "2:3", "3:"], inner.Batches.Order(StringComparer.Ordinal));
        Assert.Equal("beams 3", (await beams[1].WaitAsync(Timeout))[0].Text);
    }

    /// <summary>Records each batch; when blocking, each call waits for a <see cref="Release"/>, so tests can queue calls behind it.</summary>
    private sealed class RecordingClipEncoder : IClipEncoder
    {
        private readonly SemaphoreSlim _started = new(0);
        private readonly SemaphoreSlim _gate = new(0);
        private readonly TaskCompletionSource _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Blocking { get; init; } = true;

        public string? FailOn { get; init; }

        public object? Preparer { get; init; }

        public ConcurrentQueue<int> BatchSizes { get; } = new();

        public Task Cancelled => _cancelled.Task;

        public CancellationToken RunToken { get; private set; }

        public static float[] Vector(string text) => [text.Length, text[^1], 1];

        public async Task WaitStartedAsync() => Assert.True(await _started.WaitAsync(TimeSpan.FromSeconds(10)), "no model call started");

        public void Release(int calls) => _gate.Release(calls);

        public Task<IReadOnlyList<Embedding<float>>> EmbedImagesAsync(IReadOnlyList<ImageData> images, CancellationToken cancellationToken = default) =>
            RunAsync(images.Select(i => i.Name ?? "image").ToList(), cancellationToken);

        public Task<IReadOnlyList<Embedding<float>>> EmbedTextsAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
            RunAsync(texts, cancellationToken);

        public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(Preparer) ? Preparer : null;

        public void Dispose()
        {
        }

        private async Task<IReadOnlyList<Embedding<float>>> RunAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
        {
            BatchSizes.Enqueue(texts.Count);
            RunToken = cancellationToken;
            using var registration = cancellationToken.Register(() => _cancelled.TrySetResult());
            if (Blocking)
            {
                _started.Release();
                await _gate.WaitAsync(cancellationToken);
            }

            if (FailOn is not null && texts.Contains(FailOn))
            {
                throw new InputDecodeException($"'{FailOn}' cannot be decoded.");
            }

            return [.. texts.Select(t => new Embedding<float>(Vector(t)))];
        }
    }

    private sealed class NamingPreparer : IImageBatchPreparer
    {
        public ImageData Prepare(ImageData image, CancellationToken cancellationToken) =>
            image.Name == "broken" ? throw new InputDecodeException("'broken' cannot be decoded.") : ImageData.FromPixels(new byte[3], 1, 1, "prepared " + image.Name);
    }

    private sealed class RecordingCaptioner : IImageCaptioner
    {
        private readonly SemaphoreSlim _started = new(0);
        private readonly SemaphoreSlim _gate = new(0);

        public ConcurrentQueue<string> Batches { get; } = new();

        public async Task WaitStartedAsync(int calls)
        {
            for (int i = 0; i < calls; i++)
            {
                Assert.True(await _started.WaitAsync(TimeSpan.FromSeconds(10)), "no model call started");
            }
        }

        public void Release(int calls) => _gate.Release(calls);

        public async Task<IReadOnlyList<CaptionResult>> CaptionAsync(IReadOnlyList<ImageData> images, CaptionOptions? options = null, CancellationToken cancellationToken = default)
        {
            Batches.Enqueue($"{images.Count}:{options?.NumBeams}");
            _started.Release();
            await _gate.WaitAsync(cancellationToken);
            return [.. images.Select(_ => new CaptionResult([new Caption($"beams {options?.NumBeams ?? 1}", -1f)]))];
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}

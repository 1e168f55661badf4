using System.Diagnostics;
using System.Threading.Channels;

namespace Multimodal.Sdk;

/// <summary>
/// Gathers items that concurrent callers enqueue into batches for one run function, and routes each result back to its
/// caller. One dispatcher loop takes up to <see cref="BatchingOptions.MaxBatchSize"/> live items whenever a batch slot is
/// free and runs them at once: under load the queue fills while the previous batch runs, so batches grow by themselves,
/// and an idle model never waits for company. Only while another batch is still running (more than one concurrent
/// batch) does a batch that is not full wait up to <see cref="BatchingOptions.MaxWait"/> for more items.
/// </summary>
/// <remarks>
/// Safe for concurrent use. Per caller: a cancelled token completes that caller's task at once and drops its item if
/// it has not started; a running batch is cancelled (its token fires, which stops an ONNX Runtime run through
/// <c>RunOptions.Terminate</c>) only when every caller in it has cancelled. A failing batch of several items is run
/// again item by item, so one bad input fails only its own caller.
/// </remarks>
internal sealed class MicroBatcher<TItem, TResult> : IDisposable
{
    private readonly Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> _run;
    private readonly Func<TItem, CancellationToken, TItem>? _prepare;
    private readonly BatchingOptions _options;
    private readonly string _pipeline;
    private readonly TagList _tags;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private int _depth;
    private int _running;

    /// <param name="pipeline">The pipeline's name in metrics and messages.</param>
    /// <param name="modelId">The model's name in metrics, or <see langword="null"/>.</param>
    /// <param name="options">Batch size, wait, queue length and concurrent batches.</param>
    /// <param name="run">Runs one batch; returns one result per item, in order.</param>
    /// <param name="prepare">
    /// Per-item work done on the caller's thread before the item is queued (decoding and resizing an image), so the
    /// batch itself holds only the model run and items are prepared while the previous batch runs; <see langword="null"/>
    /// for none. An exception it throws goes to that caller alone.
    /// </param>
    public MicroBatcher(string pipeline, string? modelId, BatchingOptions options, Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> run, Func<TItem, CancellationToken, TItem>? prepare = null)
    {
        _prepare = prepare;
        _options = options.Clone();
        _options.Validate();
        _pipeline = pipeline;
        _run = run;
        _tags = new TagList { { "multimodal.pipeline", pipeline } };
        if (modelId is not null)
        {
            _tags.Add("gen_ai.request.model", modelId);
        }

        _slots = new SemaphoreSlim(_options.MaxConcurrentBatches, _options.MaxConcurrentBatches);
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Gets the number of items waiting for a batch.</summary>
    public int QueueDepth => Volatile.Read(ref _depth);

    /// <summary>Enqueues a caller's items (one caller's items may land in different batches) and waits for their results, in order.</summary>
    /// <exception cref="PipelineBusyException">The queue has no room for the items.</exception>
    /// <exception cref="ObjectDisposedException">The batcher was disposed.</exception>
    public async Task<IReadOnlyList<TResult>> RunAsync(IReadOnlyList<TItem> items, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        if (_prepare is not null)
        {
            // A full queue refuses before the (costly) preparation; the reservation below is the exact check.
            if (Volatile.Read(ref _depth) + items.Count > _options.MaxQueueLength)
            {
                throw Busy();
            }

            var prepared = new TItem[items.Count];
            for (int i = 0; i < items.Count; i++)
            {
                prepared[i] = _prepare(items[i], cancellationToken);
            }

            items = prepared;
        }

        if (Interlocked.Add(ref _depth, items.Count) > _options.MaxQueueLength)
        {
            Interlocked.Add(ref _depth, -items.Count);
            throw Busy();
        }

        ServingMetrics.QueueDepth.Add(items.Count, _tags);
        var pending = new Pending[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            pending[i] = new Pending(items[i], cancellationToken);
            if (!_queue.Writer.TryWrite(pending[i]))
            {
                pending[i].Tcs.TrySetException(new ObjectDisposedException(nameof(MicroBatcher<TItem, TResult>)));
            }
        }

        var results = new TResult[items.Count];
        for (int i = 0; i < pending.Length; i++)
        {
            results[i] = await pending[i].Tcs.Task.ConfigureAwait(false);
        }

        return results;
    }

    public void Dispose()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        _stopping.Cancel();
        _queue.Writer.TryComplete();
        while (_queue.Reader.TryRead(out var p))
        {
            Dequeued(1);
            p.Tcs.TrySetException(new ObjectDisposedException(nameof(MicroBatcher<TItem, TResult>)));
            p.Dispose();
        }

        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends by cancellation; nothing to report.
        }

        _stopping.Dispose();
    }

    private async Task LoopAsync()
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                await _slots.WaitAsync(_stopping.Token).ConfigureAwait(false);
                var batch = new List<Pending>(_options.MaxBatchSize);
                Take(reader, batch);
                if (batch.Count > 0 && batch.Count < _options.MaxBatchSize && _options.MaxWait > TimeSpan.Zero && Volatile.Read(ref _running) > 0)
                {
                    await FillAsync(reader, batch).ConfigureAwait(false);
                }

                if (batch.Count == 0)
                {
                    _slots.Release();
                    continue;
                }

                Interlocked.Increment(ref _running);
                if (_options.MaxConcurrentBatches == 1)
                {
                    // One batch at a time: the loop runs it itself (one thread hop less per batch, which a busy machine
                    // makes costly) and takes the next batch from what queued meanwhile.
                    await RunBatchAsync(batch).ConfigureAwait(false);
                }
                else
                {
                    _ = Task.Run(() => RunBatchAsync(batch));
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    private async Task FillAsync(ChannelReader<Pending> reader, List<Pending> batch)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(_options.MaxWait.TotalSeconds * Stopwatch.Frequency);
        while (batch.Count < _options.MaxBatchSize)
        {
            var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            wait.CancelAfter(remaining);
            try
            {
                if (!await reader.WaitToReadAsync(wait.Token).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
            {
                return;
            }

            Take(reader, batch);
        }
    }

    private void Take(ChannelReader<Pending> reader, List<Pending> batch)
    {
        while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var p))
        {
            Dequeued(1);
            if (p.Tcs.Task.IsCompleted)
            {
                p.Dispose(); // cancelled while it waited: it costs nothing more
                continue;
            }

            batch.Add(p);
        }
    }

    private PipelineBusyException Busy() => new(
        $"The {_pipeline} pipeline's batch queue is full ({_options.MaxQueueLength} items waiting); retry shortly.", _options.RetryAfter);

    private void Dequeued(int count)
    {
        Interlocked.Add(ref _depth, -count);
        ServingMetrics.QueueDepth.Add(-count, _tags);
    }

    private async Task RunBatchAsync(List<Pending> batch)
    {
        // The batch's own token: cancelled when every caller in it has cancelled (or on dispose), never by one caller.
        using var batchCancel = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        int live = batch.Count;
        var registrations = new CancellationTokenRegistration[batch.Count];
        try
        {
            for (int i = 0; i < batch.Count; i++)
            {
                registrations[i] = batch[i].Token.UnsafeRegister(
                    _ =>
                    {
                        if (Interlocked.Decrement(ref live) == 0)
                        {
                            batchCancel.Cancel();
                        }
                    },
                    null);
            }

            long started = Stopwatch.GetTimestamp();
            foreach (var p in batch)
            {
                ServingMetrics.QueueWait.Record(Stopwatch.GetElapsedTime(p.Enqueued, started).TotalSeconds, _tags);
            }

            try
            {
                var results = await RunCoreAsync(batch.Select(p => p.Item).ToList(), batchCancel.Token).ConfigureAwait(false);
                ServingMetrics.BatchDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, _tags);
                for (int i = 0; i < batch.Count; i++)
                {
                    batch[i].Tcs.TrySetResult(results[i]);
                }
            }
            catch (OperationCanceledException) when (batchCancel.IsCancellationRequested)
            {
                foreach (var p in batch)
                {
                    p.Tcs.TrySetCanceled(p.Token.IsCancellationRequested ? p.Token : batchCancel.Token);
                }
            }
            catch (Exception) when (batch.Count > 1)
            {
                // One bad input must not fail the others: run each item alone, each with its own caller's token.
                foreach (var p in batch)
                {
                    if (p.Tcs.Task.IsCompleted)
                    {
                        continue;
                    }

                    try
                    {
                        p.Tcs.TrySetResult((await RunCoreAsync([p.Item], p.Token).ConfigureAwait(false))[0]);
                    }
                    catch (OperationCanceledException) when (p.Token.IsCancellationRequested)
                    {
                        p.Tcs.TrySetCanceled(p.Token);
                    }
#pragma warning disable CA1031 // Routed to the caller whose item failed.
                    catch (Exception e)
#pragma warning restore CA1031
                    {
                        p.Tcs.TrySetException(e);
                    }
                }
            }
#pragma warning disable CA1031 // Routed to the caller.
            catch (Exception e)
#pragma warning restore CA1031
            {
                batch[0].Tcs.TrySetException(e);
            }
        }
        finally
        {
            foreach (var r in registrations)
            {
                r.Dispose();
            }

            foreach (var p in batch)
            {
                p.Dispose();
            }

            Interlocked.Decrement(ref _running);
            _slots.Release();
        }
    }

    private async Task<IReadOnlyList<TResult>> RunCoreAsync(IReadOnlyList<TItem> items, CancellationToken cancellationToken)
    {
        ServingMetrics.BatchSize.Record(items.Count, _tags);
        var results = await _run(items, cancellationToken).ConfigureAwait(false);
        if (results.Count != items.Count)
        {
            throw new InvalidOperationException($"The {_pipeline} pipeline returned {results.Count} results for a batch of {items.Count}.");
        }

        return results;
    }

    private sealed class Pending : IDisposable
    {
        private readonly CancellationTokenRegistration _registration;

        public Pending(TItem item, CancellationToken token)
        {
            Item = item;
            Token = token;
            _registration = token.UnsafeRegister(static (state, t) => ((TaskCompletionSource<TResult>)state!).TrySetCanceled(t), Tcs);
        }

        public TItem Item { get; }

        public long Enqueued { get; } = Stopwatch.GetTimestamp();

        public CancellationToken Token { get; }

        public TaskCompletionSource<TResult> Tcs { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Dispose() => _registration.Dispose();
    }
}

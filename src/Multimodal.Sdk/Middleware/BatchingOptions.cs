namespace Multimodal.Sdk;

/// <summary>
/// How <c>UseBatching()</c> gathers concurrent calls of one pipeline into one model batch: at most
/// <see cref="MaxBatchSize"/> items, taken as soon as a batch slot is free (what queued while the previous batch ran),
/// with at most <see cref="MaxQueueLength"/> items waiting (beyond that a call fails at once with
/// <see cref="PipelineBusyException"/>). Bind it from configuration (<c>Server:Batching:Clip</c> in the sample server) or
/// set it in code.
/// </summary>
/// <remarks>Read once when the middleware is built; not safe to mutate concurrently.</remarks>
public sealed class BatchingOptions
{
    /// <summary>Gets or sets the most items (images or texts) in one model batch. Default 16.</summary>
    public int MaxBatchSize { get; set; } = 16;

    /// <summary>
    /// Gets or sets how long a batch that is not full waits for more items while another batch is still running (with
    /// <see cref="MaxConcurrentBatches"/> above 1). Default 2 ms. An idle model never waits: the first call after a
    /// quiet spell runs at once, and under load the next batch fills while the current one runs.
    /// </summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Gets or sets the most items waiting for a batch; more are refused with <see cref="PipelineBusyException"/>. Default 1024.</summary>
    public int MaxQueueLength { get; set; } = 1024;

    /// <summary>
    /// Gets or sets how many batches run at once. Default 1: on a CPU one batch already uses every intra-op thread; a
    /// GPU may overlap two.
    /// </summary>
    public int MaxConcurrentBatches { get; set; } = 1;

    /// <summary>Gets or sets the wait suggested to a refused caller (<see cref="PipelineBusyException.RetryAfter"/>). Default 1 s.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Creates a copy.</summary>
    /// <returns>The copy.</returns>
    public BatchingOptions Clone() => (BatchingOptions)MemberwiseClone();

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchSize, 1, nameof(MaxBatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQueueLength, 1, nameof(MaxQueueLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentBatches, 1, nameof(MaxConcurrentBatches));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxWait, TimeSpan.Zero, nameof(MaxWait));
    }
}

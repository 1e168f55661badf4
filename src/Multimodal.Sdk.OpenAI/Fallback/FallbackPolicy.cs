namespace Multimodal.Sdk;

/// <summary>The routing every <c>Fallback...</c> pipeline shares: a slot count on the primary, then primary first and secondary on a failure it should survive.</summary>
internal sealed class FallbackPolicy<T>(T primary, T secondary, FallbackOptions? options)
    where T : class
{
    private readonly FallbackOptions _options = options?.Clone() ?? new FallbackOptions();
    private int _inFlight;

    public T Secondary { get; } = secondary ?? throw new ArgumentNullException(nameof(secondary));

    public T Primary { get; } = primary ?? throw new ArgumentNullException(nameof(primary));

    public int PrimaryCalls;
    public int SecondaryCalls;

    public async Task<TResult> RunAsync<TResult>(Func<T, Task<TResult>> call, CancellationToken cancellationToken)
    {
        if (!TryEnterPrimary())
        {
            Interlocked.Increment(ref SecondaryCalls);
            return await call(Secondary).ConfigureAwait(false);
        }

        try
        {
            Interlocked.Increment(ref PrimaryCalls);
            return await call(Primary).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && _options.ShouldFallBack(e))
        {
            Interlocked.Increment(ref SecondaryCalls);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }

        return await call(Secondary).ConfigureAwait(false);
    }

    private bool TryEnterPrimary()
    {
        int limit = _options.MaxPrimaryConcurrency ?? int.MaxValue;
        while (true)
        {
            int current = Volatile.Read(ref _inFlight);
            if (current >= limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _inFlight, current + 1, current) == current)
            {
                return true;
            }
        }
    }
}

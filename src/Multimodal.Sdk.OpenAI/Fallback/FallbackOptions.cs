namespace Multimodal.Sdk;

/// <summary>When a <c>Fallback...</c> pipeline sends a call to its secondary pipeline instead of, or after, its primary.</summary>
public sealed class FallbackOptions
{
    /// <summary>
    /// Gets or sets how many calls the primary runs at once; a call beyond that goes straight to the secondary instead of
    /// queueing (the primary is over its queue limit). <see langword="null"/> (the default): no limit.
    /// </summary>
    public int? MaxPrimaryConcurrency { get; set; }

    /// <summary>
    /// Gets or sets which failures of the primary are retried on the secondary. The default retries every failure except
    /// cancellation by the caller and input the secondary would reject too (<see cref="ArgumentException"/>,
    /// <see cref="InputDecodeException"/>).
    /// </summary>
    public Func<Exception, bool> ShouldFallBack { get; set; } = DefaultShouldFallBack;

    /// <summary>The default <see cref="ShouldFallBack"/>.</summary>
    /// <param name="exception">The primary's failure.</param>
    /// <returns>Whether the secondary should be tried.</returns>
    public static bool DefaultShouldFallBack(Exception exception) => exception is not (OperationCanceledException or ArgumentException or InputDecodeException);

    /// <summary>Copies the options.</summary>
    /// <returns>A copy.</returns>
    public FallbackOptions Clone() => (FallbackOptions)MemberwiseClone();
}

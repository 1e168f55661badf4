namespace Multimodal.Sdk;

/// <summary>
/// An input is larger than the configured limit (for images, the pixel budget read from the header before
/// decoding, which stops decompression bombs). Raise the limit in <see cref="MultimodalOptions"/> if the input is trusted.
/// </summary>
public sealed class InputTooLargeException : MultimodalException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was too large and what the limit is.</param>
    /// <param name="actual">The size the input claims, in the unit of the limit.</param>
    /// <param name="limit">The configured limit.</param>
    public InputTooLargeException(string message, long actual, long limit)
        : base(message)
    {
        Actual = actual;
        Limit = limit;
    }

    /// <summary>Gets the size the input claims (pixels for images, samples for audio).</summary>
    public long Actual { get; }

    /// <summary>Gets the configured limit, in the same unit as <see cref="Actual"/>.</summary>
    public long Limit { get; }
}

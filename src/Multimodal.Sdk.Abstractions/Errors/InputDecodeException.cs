namespace Multimodal.Sdk;

/// <summary>
/// An input (image, audio) could not be decoded: it is not in a supported format, it is corrupt or truncated,
/// or its header contradicts its content.
/// </summary>
public sealed class InputDecodeException : MultimodalException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What could not be decoded and why.</param>
    /// <param name="innerException">The decoder's own failure, if any.</param>
    public InputDecodeException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

namespace Multimodal.Sdk;

/// <summary>
/// Base type of every error that Multimodal.Sdk raises on purpose. Catch this to handle all SDK failures;
/// catch one of the sealed subtypes to handle a specific cause differently.
/// </summary>
/// <remarks>Instances are immutable and safe to share between threads.</remarks>
public class MultimodalException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong and what was expected.</param>
    public MultimodalException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong and what was expected.</param>
    /// <param name="innerException">The underlying failure.</param>
    public MultimodalException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

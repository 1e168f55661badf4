namespace Multimodal.Sdk;

/// <summary>
/// The pipeline's bounded request queue is full: the request was not started and may be retried after
/// <see cref="RetryAfter"/>. A server answers it with <c>503 Service Unavailable</c> and <c>Retry-After</c>, so load
/// beyond capacity costs a short answer instead of unbounded memory.
/// </summary>
public sealed class PipelineBusyException : MultimodalException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which pipeline is busy and its queue limit.</param>
    /// <param name="retryAfter">A suggested wait before retrying.</param>
    public PipelineBusyException(string message, TimeSpan retryAfter)
        : base(message)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>Gets a suggested wait before retrying.</summary>
    public TimeSpan RetryAfter { get; }
}

namespace Multimodal.Sdk;

/// <summary>
/// An index folder is already open for writing by another store (in this or another process): open it with
/// <see cref="EmbeddedRetrievalStoreOptions.ReadOnly"/> to search it, or wait for the writer to close.
/// </summary>
public sealed class RetrievalIndexLockedException : MultimodalException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which folder is locked.</param>
    /// <param name="innerException">The file system's failure.</param>
    public RetrievalIndexLockedException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// An index cannot be read: a folder of a newer format version, of a different dimension than asked for, or with a
/// damaged snapshot; or, in any store, a <see cref="VideoMomentIndex"/> video whose frame records are incomplete. (A
/// torn tail of the log, left by a crash, is not an error: it is cut off on open.)
/// </summary>
public sealed class RetrievalIndexFormatException : MultimodalException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the file.</param>
    /// <param name="innerException">The underlying failure.</param>
    public RetrievalIndexFormatException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

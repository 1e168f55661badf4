namespace Multimodal.Sdk;

/// <summary>
/// A model could not be downloaded from a model hub: access was refused (a gated or private repository without a
/// token that may read it), the server failed, the connection broke more often than the retries allow, or a file's
/// content did not match the checksum the hub published. Nothing partial is left in the cache's snapshot folder.
/// A repository, revision or file that does not exist raises <see cref="ModelNotFoundException"/> instead.
/// </summary>
public sealed class ModelDownloadException : MultimodalException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="repoId">The repository, <c>owner/name</c>.</param>
    /// <param name="fileName">The file at fault, relative to the repository, or <see langword="null"/> for the repository itself.</param>
    /// <param name="statusCode">The HTTP status code the hub answered, or <see langword="null"/> when no answer is to blame.</param>
    /// <param name="message">The full message.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public ModelDownloadException(string repoId, string? fileName, int? statusCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        RepoId = repoId;
        FileName = fileName;
        StatusCode = statusCode;
    }

    /// <summary>Gets the repository, <c>owner/name</c>.</summary>
    public string RepoId { get; }

    /// <summary>Gets the file at fault, relative to the repository, when one file is to blame.</summary>
    public string? FileName { get; }

    /// <summary>Gets the HTTP status code the hub answered (401 or 403 for a gated repository), when an answer is to blame.</summary>
    public int? StatusCode { get; }
}

namespace Multimodal.Sdk;

/// <summary>What <see cref="HuggingFaceHub.DownloadAsync"/> fetches from a repository.</summary>
/// <remarks>A per-call options object: not safe for concurrent mutation; the hub copies it at the start of a call.</remarks>
public sealed class ModelDownloadOptions
{
    /// <summary>Gets or sets the branch, tag or 40-character commit to download; <see langword="null"/> for <c>main</c>.</summary>
    public string? Revision { get; set; }

    /// <summary>
    /// Gets or sets the graph precisions to fetch, in order of preference: for each graph of the repository's <c>onnx/</c>
    /// folder the first precision it has is fetched (with its <c>.onnx_data</c> files), as the pipelines choose
    /// (<see cref="MultimodalOptions.PreferredPrecisions"/>). Full precision only by default.
    /// </summary>
    public IList<ModelPrecision> Precisions { get; set; } = [ModelPrecision.Full];

    /// <summary>
    /// Gets or sets extra patterns of repository files to fetch besides the configs, tokenizer files and graphs a pipeline
    /// needs, matched as <c>huggingface_hub</c>'s <c>allow_patterns</c> are (fnmatch: <c>*</c> matches any characters, also
    /// <c>/</c>; <c>?</c> one character; <c>[abc]</c> one of a set): <c>*.md</c>, <c>onnx/vision_model*</c>.
    /// </summary>
    public IList<string> Include { get; set; } = [];

    /// <summary>Creates a copy whose lists are not shared with this instance.</summary>
    /// <returns>The copy.</returns>
    public ModelDownloadOptions Clone()
    {
        var copy = (ModelDownloadOptions)MemberwiseClone();
        copy.Precisions = [.. Precisions ?? []];
        copy.Include = [.. Include ?? []];
        return copy;
    }
}

/// <summary>Progress of a download, reported as bytes arrive.</summary>
/// <param name="FileName">The file the bytes belong to, relative to the repository.</param>
/// <param name="FileBytes">The bytes of that file on disk so far (a resumed file counts what it already had).</param>
/// <param name="FileLength">The file's size, when the hub announced it.</param>
/// <param name="FilesDone">How many of the selected files are in the snapshot.</param>
/// <param name="FileCount">How many files were selected.</param>
public readonly record struct ModelDownloadProgress(string FileName, long FileBytes, long? FileLength, int FilesDone, int FileCount);

/// <summary>A model folder in the hub cache: a snapshot of one commit of a repository.</summary>
/// <param name="RepoId">The repository, <c>owner/name</c>.</param>
/// <param name="Commit">The 40-character commit the snapshot is of.</param>
/// <param name="Path">The snapshot folder: a model folder every pipeline opens.</param>
/// <param name="Files">The files fetched or found, relative to the folder.</param>
public sealed record ModelSnapshot(string RepoId, string Commit, string Path, IReadOnlyList<string> Files);

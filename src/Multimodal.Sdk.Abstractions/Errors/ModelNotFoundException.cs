namespace Multimodal.Sdk;

/// <summary>
/// A model folder, or a file a pipeline needs inside it, does not exist.
/// The message names the folder, the missing file and what the folder does contain.
/// </summary>
public sealed class ModelNotFoundException : MultimodalException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="modelPath">The model folder that was searched.</param>
    /// <param name="fileName">The file that was expected, relative to the folder, or <see langword="null"/> when the folder itself is missing.</param>
    /// <param name="message">The full message.</param>
    public ModelNotFoundException(string modelPath, string? fileName, string message)
        : base(message)
    {
        ModelPath = modelPath;
        FileName = fileName;
    }

    /// <summary>Gets the model folder that was searched.</summary>
    public string ModelPath { get; }

    /// <summary>Gets the file that was expected, relative to <see cref="ModelPath"/>, or <see langword="null"/> when the folder is missing.</summary>
    public string? FileName { get; }
}

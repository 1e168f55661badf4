namespace Multimodal.Sdk;

/// <summary>
/// A model folder exists but does not fit the pipeline: a graph lacks an input or output the pipeline needs,
/// a config field has the wrong type, or the folder holds another kind of model (a Whisper folder given to a captioner).
/// The message names the folder, the file and what was expected.
/// </summary>
public sealed class ModelIncompatibleException : MultimodalException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="modelPath">The model folder.</param>
    /// <param name="fileName">The file at fault, relative to the folder.</param>
    /// <param name="message">The full message.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public ModelIncompatibleException(string modelPath, string? fileName, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ModelPath = modelPath;
        FileName = fileName;
    }

    /// <summary>Gets the model folder.</summary>
    public string ModelPath { get; }

    /// <summary>Gets the file at fault, relative to <see cref="ModelPath"/>, when one file is to blame.</summary>
    public string? FileName { get; }
}

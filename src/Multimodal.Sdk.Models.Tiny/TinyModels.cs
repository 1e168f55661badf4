using System.Reflection;

namespace Multimodal.Sdk;

/// <summary>
/// Finds the tiny models the <c>Multimodal.Sdk.Models.Tiny</c> package copies to the application's output folder
/// (under <c>models/</c>, or the folder the MSBuild property <c>MultimodalTinyModelsFolder</c> names):
/// <c>new ClipEncoder(TinyModels.GetPath(TinyModels.Clip))</c>.
/// </summary>
/// <remarks>Safe for concurrent use.</remarks>
public static class TinyModels
{
    /// <summary>The CLIP model (<c>model_type</c> <c>clip</c>): shapes and colours.</summary>
    public const string Clip = "tiny-clip";

    /// <summary>The image captioner (<c>vision-encoder-decoder</c>).</summary>
    public const string Captioner = "tiny-captioner";

    /// <summary>The vision-language model (<c>llava</c>) for visual QA and chat.</summary>
    public const string VisionLanguage = "tiny-vlm";

    /// <summary>The speech recognizer (<c>whisper</c>).</summary>
    public const string Whisper = "tiny-whisper";

    /// <summary>
    /// Gets the folder holding the models: <c>models</c> (or <c>MultimodalTinyModelsFolder</c>, as recorded in the entry
    /// assembly by the package's build targets) under <see cref="AppContext.BaseDirectory"/>.
    /// </summary>
    public static string Folder
    {
        get
        {
            string? configured = Assembly.GetEntryAssembly()?.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "MultimodalTinyModelsFolder")?.Value;
            string folder = Path.Combine(AppContext.BaseDirectory, string.IsNullOrWhiteSpace(configured) ? "models" : configured);
            return Directory.Exists(folder) ? folder : Path.Combine(AppContext.BaseDirectory, "models");
        }
    }

    /// <summary>Gets the names of the models present (<c>tiny-clip</c>, <c>tiny-whisper</c> ...), in ordinal order.</summary>
    public static IReadOnlyList<string> Names =>
        Directory.Exists(Folder)
            ? [.. Directory.EnumerateDirectories(Folder, "tiny-*").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)]
            : [];

    /// <summary>Gets the folder of one model, to pass to a pipeline.</summary>
    /// <param name="name">The model, <see cref="Clip"/>, <see cref="Whisper"/> ... (any of <see cref="Names"/>).</param>
    /// <returns>The model folder's full path.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or not a plain folder name.</exception>
    /// <exception cref="ModelNotFoundException">The model is not in the output folder (the package is not referenced by the running application, or <c>MultimodalTinyModelsFolder</c> differs).</exception>
    public static string GetPath(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.IndexOfAny(['/', '\\']) >= 0 || name is "." or "..")
        {
            throw new ArgumentException($"'{name}' is not a model name such as '{Clip}'.", nameof(name));
        }

        string path = Path.Combine(Folder, name);
        if (!Directory.Exists(path))
        {
            throw new ModelNotFoundException(
                path,
                null,
                $"The tiny model '{name}' is not in '{Folder}'. Present: {(Names.Count == 0 ? "none" : string.Join(", ", Names))}. Reference the Multimodal.Sdk.Models.Tiny package from the application that runs (its build copies the models to the output folder).");
        }

        return path;
    }
}

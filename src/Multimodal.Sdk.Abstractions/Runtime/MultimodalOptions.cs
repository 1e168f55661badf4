namespace Multimodal.Sdk;

/// <summary>
/// Construction-time settings shared by every pipeline: how ONNX Runtime sessions are created, which graph
/// precision is preferred, and the limits applied to untrusted inputs. Bind it from configuration with
/// <c>services.AddMultimodal(configuration.GetSection("Multimodal"))</c> or set it in code with
/// <c>services.AddMultimodal(o =&gt; ...)</c>.
/// </summary>
/// <remarks>Mutable while the host is being configured; pipelines read it once when they are created.</remarks>
public sealed class MultimodalOptions
{
    /// <summary>The default pixel budget for decoded images: 64 megapixels.</summary>
    public const long DefaultMaxImagePixels = 64L * 1024 * 1024;

    /// <summary>
    /// Gets or sets the graph precisions to try, in order, when a pipeline picks a graph from a model's
    /// <c>onnx/</c> folder. The default tries full precision only. For example <c>[Quantized, Full]</c> takes
    /// <c>model_quantized.onnx</c> where a folder has it and falls back to <c>model.onnx</c>.
    /// </summary>
    public IList<ModelPrecision> PreferredPrecisions { get; set; } = [ModelPrecision.Full];

    /// <summary>Gets or sets the threads one operator may use; 0 lets ONNX Runtime choose (one per physical core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Gets or sets the threads used to run independent operators in parallel; 0 lets ONNX Runtime choose.</summary>
    public int InterOpThreads { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether ONNX Runtime's worker threads spin while they wait for work (its
    /// default: lowest latency for one caller on otherwise idle cores). Turn it off where several runs or processes
    /// share few cores: a spinning thread holds a core that another run could use. Where it is on, a pipeline whose
    /// runs are short and follow each other through several graphs (OCR) ends the spinning with each run.
    /// </summary>
    public bool AllowThreadSpinning { get; set; } = true;

    /// <summary>Gets or sets how much ONNX Runtime rewrites graphs when a session is created.</summary>
    public GraphOptimization GraphOptimization { get; set; } = GraphOptimization.All;

    /// <summary>Gets or sets a value indicating whether ONNX Runtime keeps freed CPU buffers in an arena for reuse (faster, holds memory).</summary>
    public bool EnableMemoryArena { get; set; } = true;

    /// <summary>Gets or sets the largest image, in pixels as claimed by its header, that is decoded. Larger ones raise <see cref="InputTooLargeException"/> before decoding.</summary>
    public long MaxImagePixels { get; set; } = DefaultMaxImagePixels;

    /// <summary>Gets or sets the path of the <c>ffmpeg</c> program used for audio containers other than WAV; <see langword="null"/> searches <c>PATH</c>.</summary>
    public string? FfmpegPath { get; set; }

    /// <summary>Gets or sets the bounds on the work one request may ask for (see <see cref="InputLimits"/> for each default).</summary>
    public InputLimits Limits { get; set; } = new();

    /// <summary>Creates a copy whose lists are not shared with this instance.</summary>
    /// <returns>The copy.</returns>
    public MultimodalOptions Clone()
    {
        var copy = (MultimodalOptions)MemberwiseClone();
        copy.PreferredPrecisions = [.. PreferredPrecisions];
        copy.Limits = (Limits ?? new InputLimits()).Clone();
        return copy;
    }
}

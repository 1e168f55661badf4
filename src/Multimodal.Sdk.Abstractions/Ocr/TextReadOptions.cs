namespace Multimodal.Sdk;

/// <summary>Per-call OCR settings; unset values come from the model folder's <c>ocr_config.json</c>.</summary>
/// <remarks>Not safe for concurrent mutation; readers copy it at the start of a call.</remarks>
public class TextReadOptions
{
    /// <summary>
    /// Gets or sets the least confidence a recognised region needs to be returned (PaddleOCR's <c>drop_score</c>);
    /// <see langword="null"/> for the folder's value (0.5 for PP-OCR).
    /// </summary>
    public float? MinConfidence { get; set; }

    /// <summary>
    /// Gets or sets whether upside-down regions are detected and turned before recognition (the direction
    /// classifier); <see langword="null"/> for on when the folder has a classifier.
    /// </summary>
    public bool? UseDirectionClassifier { get; set; }

    /// <summary>
    /// Gets or sets the largest side, in pixels, of the image the detector sees (larger images are scaled down
    /// first, keeping the aspect ratio); <see langword="null"/> for the folder's value (960 for PP-OCR).
    /// Larger values find smaller text in large images at a quadratic cost.
    /// </summary>
    public int? DetectionSideLimit { get; set; }

    /// <summary>Makes a copy of these options.</summary>
    /// <returns>The copy.</returns>
    public virtual TextReadOptions Clone() => (TextReadOptions)MemberwiseClone();
}

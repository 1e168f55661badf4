namespace Multimodal.Sdk;

/// <summary>
/// Adds the text an <see cref="ITextReader"/> finds in each image to the captions of any captioner:
/// <c>a white sign (text in the image: "Exit 12")</c>. The captioner itself does not read; this is OCR beside a
/// captioning model, so the text is quoted as found, not described.
/// </summary>
/// <remarks>Safe for concurrent use when the inner captioner and the reader are. Disposes the reader only when it owns it.</remarks>
public sealed class TextReadingImageCaptioner : DelegatingImageCaptioner
{
    private readonly ITextReader _reader;
    private readonly bool _ownsReader;

    /// <summary>Wraps a captioner.</summary>
    /// <param name="innerCaptioner">The captioner that describes the images.</param>
    /// <param name="reader">The reader that finds their text.</param>
    /// <param name="ownsReader">Whether disposing this captioner disposes <paramref name="reader"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerCaptioner"/> or <paramref name="reader"/> is <see langword="null"/>.</exception>
    public TextReadingImageCaptioner(IImageCaptioner innerCaptioner, ITextReader reader, bool ownsReader = false)
        : base(innerCaptioner)
    {
        ArgumentNullException.ThrowIfNull(reader);
        _reader = reader;
        _ownsReader = ownsReader;
    }

    /// <summary>Gets or sets the per-call settings of the reader.</summary>
    public TextReadOptions? ReadOptions { get; set; }

    /// <inheritdoc/>
    public override async Task<IReadOnlyList<CaptionResult>> CaptionAsync(IReadOnlyList<ImageData> images, CaptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        var captions = await base.CaptionAsync(images, options, cancellationToken).ConfigureAwait(false);
        var result = new List<CaptionResult>(captions.Count);
        for (int i = 0; i < captions.Count; i++)
        {
            var read = await _reader.ReadAsync(images[i], ReadOptions, cancellationToken).ConfigureAwait(false);
            string? text = TextReadingFormat.Quote(read);
            result.Add(text is null ? captions[i] : new CaptionResult([.. captions[i].Captions.Select(c => c with { Text = $"{c.Text} (text in the image: {text})" })]));
        }

        return result;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsReader)
        {
            _reader.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>How recognised text is put into captions and prompts.</summary>
internal static class TextReadingFormat
{
    /// <summary>The text quoted on one line (lines joined by " / "), or <see langword="null"/> when none was found.</summary>
    public static string? Quote(TextReadResult read) =>
        read.Lines.Count == 0 ? null : $"\"{read.Text.Replace("\n", " / ", StringComparison.Ordinal)}\"";
}

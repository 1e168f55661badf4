using Microsoft.Extensions.AI;

namespace Multimodal.Sdk;

/// <summary>
/// A CLIP encoder that runs a primary pipeline and turns to a secondary one when the primary fails (see
/// <see cref="FallbackOptions.ShouldFallBack"/>) or already runs <see cref="FallbackOptions.MaxPrimaryConcurrency"/> calls.
/// Local first and remote second, or the reverse: the order is the arguments'.
/// </summary>
/// <remarks>Safe for concurrent use when both pipelines are. Disposing it disposes both.</remarks>
public sealed class FallbackClipEncoder : DelegatingClipEncoder
{
    private readonly FallbackPolicy<IClipEncoder> _policy;

    /// <summary>Combines two pipelines.</summary>
    /// <param name="primary">The pipeline tried first.</param>
    /// <param name="secondary">The pipeline used when the primary fails or is busy.</param>
    /// <param name="options">When to fall back; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="primary"/> or <paramref name="secondary"/> is <see langword="null"/>.</exception>
    public FallbackClipEncoder(IClipEncoder primary, IClipEncoder secondary, FallbackOptions? options = null)
        : base(primary)
    {
        _policy = new FallbackPolicy<IClipEncoder>(primary, secondary, options);
    }

    /// <summary>Gets how many calls went to the primary and to the secondary (diagnostics and tests).</summary>
    public (int Primary, int Secondary) Calls => (Volatile.Read(ref _policy.PrimaryCalls), Volatile.Read(ref _policy.SecondaryCalls));

    /// <inheritdoc/>
    public override Task<IReadOnlyList<Embedding<float>>> EmbedImagesAsync(IReadOnlyList<ImageData> images, CancellationToken cancellationToken = default) =>
        _policy.RunAsync(p => p.EmbedImagesAsync(images, cancellationToken), cancellationToken);

    /// <inheritdoc/>
    public override Task<IReadOnlyList<Embedding<float>>> EmbedTextsAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
        _policy.RunAsync(p => p.EmbedTextsAsync(texts, cancellationToken), cancellationToken);

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _policy.Secondary.Dispose();
        }

        base.Dispose(disposing);
    }
}

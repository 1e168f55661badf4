namespace Multimodal.Sdk;

/// <summary>
/// CLIPScore and RefCLIPScore (Hessel et al., 2021), reference-free caption quality from any <see cref="IClipEncoder"/>,
/// computed as the authors' <c>clipscore.py</c> does: candidates and references are prefixed with
/// "A photo depicts", CLIP-S = w x max(cos(image, candidate), 0) with w = 2.5, and RefCLIP-S is the harmonic mean of
/// CLIP-S and the candidate's highest cosine with its references.
/// </summary>
/// <remarks>Stateless; safe for concurrent use when the encoder is.</remarks>
public static class ClipScore
{
    /// <summary>The weight w of the paper.</summary>
    public const double Weight = 2.5;

    /// <summary>The prefix the reference implementation puts before every caption.</summary>
    public const string Prefix = "A photo depicts ";

    /// <summary>Scores one candidate caption per image, with RefCLIPScore when references are given.</summary>
    /// <param name="encoder">The CLIP encoder.</param>
    /// <param name="images">The images.</param>
    /// <param name="candidates">One candidate caption per image.</param>
    /// <param name="references">Optional reference captions per image (at least one each); <see langword="null"/> skips RefCLIPScore.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The corpus means and the per-image scores.</returns>
    /// <exception cref="ArgumentException">The lists are empty or their lengths differ, or an image has no references.</exception>
    public static async Task<ClipScoreResult> ComputeAsync(
        IClipEncoder encoder,
        IReadOnlyList<ImageData> images,
        IReadOnlyList<string> candidates,
        IReadOnlyList<IReadOnlyList<string>>? references = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(candidates);
        if (images.Count == 0 || images.Count != candidates.Count)
        {
            throw new ArgumentException($"CLIPScore needs one candidate per image: {images.Count} images, {candidates.Count} candidates.", nameof(candidates));
        }

        if (references is not null && (references.Count != images.Count || references.Any(r => r is null || r.Count == 0)))
        {
            throw new ArgumentException("RefCLIPScore needs at least one reference caption for every image.", nameof(references));
        }

        var imageEmbeddings = await encoder.EmbedImagesAsync(images, cancellationToken).ConfigureAwait(false);
        var candidateEmbeddings = await encoder.EmbedTextsAsync(candidates.Select(c => Prefix + c).ToList(), cancellationToken).ConfigureAwait(false);
        var clip = new double[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            clip[i] = Weight * Math.Max(ClipEncoderExtensions.Similarity(imageEmbeddings[i], candidateEmbeddings[i]), 0);
        }

        double[]? refClip = null;
        if (references is not null)
        {
            var flat = references.SelectMany(r => r).Select(r => Prefix + r).ToList();
            var refEmbeddings = await encoder.EmbedTextsAsync(flat, cancellationToken).ConfigureAwait(false);
            refClip = new double[images.Count];
            int offset = 0;
            for (int i = 0; i < images.Count; i++)
            {
                double best = double.NegativeInfinity;
                for (int r = 0; r < references[i].Count; r++)
                {
                    best = Math.Max(best, ClipEncoderExtensions.Similarity(candidateEmbeddings[i], refEmbeddings[offset + r]));
                }

                offset += references[i].Count;
                double sum = clip[i] + best;
                refClip[i] = sum == 0 ? 0 : 2 * clip[i] * best / sum;
            }
        }

        return new ClipScoreResult(clip.Average(), refClip?.Average(), clip, refClip);
    }
}

/// <summary>CLIPScore results.</summary>
/// <param name="Score">Mean CLIP-S over the images.</param>
/// <param name="RefScore">Mean RefCLIP-S, or <see langword="null"/> without references.</param>
/// <param name="PerImage">CLIP-S of each image.</param>
/// <param name="PerImageRef">RefCLIP-S of each image, or <see langword="null"/>.</param>
public sealed record ClipScoreResult(double Score, double? RefScore, IReadOnlyList<double> PerImage, IReadOnlyList<double>? PerImageRef);

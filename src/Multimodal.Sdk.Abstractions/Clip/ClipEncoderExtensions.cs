using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace Multimodal.Sdk;

/// <summary>Convenience operations over any <see cref="IClipEncoder"/>: single items, similarity and zero-shot classification.</summary>
public static class ClipEncoderExtensions
{
    /// <summary>Embeds one image.</summary>
    /// <param name="encoder">The encoder.</param>
    /// <param name="image">The image.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The L2-normalized embedding.</returns>
    public static async Task<Embedding<float>> EmbedImageAsync(this IClipEncoder encoder, ImageData image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(image);
        return (await encoder.EmbedImagesAsync([image], cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>Embeds one text.</summary>
    /// <param name="encoder">The encoder.</param>
    /// <param name="text">The text.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The L2-normalized embedding.</returns>
    public static async Task<Embedding<float>> EmbedTextAsync(this IClipEncoder encoder, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(text);
        return (await encoder.EmbedTextsAsync([text], cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>Gets the cosine similarity of two embeddings.</summary>
    /// <param name="a">The first embedding.</param>
    /// <param name="b">The second embedding, of the same length.</param>
    /// <returns>The cosine similarity in [-1, 1].</returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static float Similarity(Embedding<float> a, Embedding<float> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Vector.Length != b.Vector.Length)
        {
            throw new ArgumentException($"Embeddings of length {a.Vector.Length} and {b.Vector.Length} cannot be compared.", nameof(b));
        }

        return TensorPrimitives.CosineSimilarity(a.Vector.Span, b.Vector.Span);
    }

    /// <summary>Gets the encoder's <see cref="ClipEncoderMetadata"/>.</summary>
    /// <param name="encoder">The encoder.</param>
    /// <returns>The metadata.</returns>
    /// <exception cref="InvalidOperationException">The encoder does not offer metadata.</exception>
    public static ClipEncoderMetadata GetMetadata(this IClipEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        return encoder.GetService(typeof(ClipEncoderMetadata)) as ClipEncoderMetadata
            ?? throw new InvalidOperationException($"{encoder.GetType().Name} does not offer {nameof(ClipEncoderMetadata)}.");
    }

    /// <summary>Classifies one image against labels by zero-shot CLIP (softmax of logit scale x cosine).</summary>
    /// <param name="encoder">The encoder.</param>
    /// <param name="image">The image.</param>
    /// <param name="labels">The candidate labels; at least one, none empty.</param>
    /// <param name="options">Templates and top-k; <see langword="null"/> uses the defaults.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The labels with probabilities, best first.</returns>
    /// <exception cref="ArgumentException">No labels, an empty label, or a template without <c>{label}</c>.</exception>
    public static async Task<ZeroShotResult> ClassifyAsync(this IClipEncoder encoder, ImageData image, IReadOnlyList<string> labels, ZeroShotOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        return (await encoder.ClassifyAsync([image], labels, options, cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>Classifies several images against the same labels; label embeddings are computed once.</summary>
    /// <param name="encoder">The encoder.</param>
    /// <param name="images">The images; at least one.</param>
    /// <param name="labels">The candidate labels; at least one, none empty.</param>
    /// <param name="options">Templates and top-k; <see langword="null"/> uses the defaults.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>One result per image, in order.</returns>
    /// <exception cref="ArgumentException">No images, no labels, an empty label, or a template without <c>{label}</c>.</exception>
    public static async Task<IReadOnlyList<ZeroShotResult>> ClassifyAsync(this IClipEncoder encoder, IReadOnlyList<ImageData> images, IReadOnlyList<string> labels, ZeroShotOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        CheckImages(images);
        var embedded = await encoder.EmbedLabelsAsync(labels, options, cancellationToken).ConfigureAwait(false);
        return await encoder.ClassifyAsync(images, embedded, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Embeds zero-shot labels once, for any number of later <c>ClassifyAsync</c> calls with the result: each label's
    /// embedding is the normalized mean of its template texts' embeddings (prompt ensembling, as in the CLIP paper).
    /// </summary>
    /// <param name="encoder">The encoder; classify with the same one.</param>
    /// <param name="labels">The candidate labels; at least one, none empty.</param>
    /// <param name="options">Templates and top-k; <see langword="null"/> uses the defaults.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The labels and their embeddings.</returns>
    /// <exception cref="ArgumentException">No labels, an empty label, or a template without <c>{label}</c>.</exception>
    public static async Task<ZeroShotLabels> EmbedLabelsAsync(this IClipEncoder encoder, IReadOnlyList<string> labels, ZeroShotOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        return await EmbedLabelsWithAsync(encoder.EmbedTextsAsync, labels, options, cancellationToken).ConfigureAwait(false);
    }

    // Shared with the video encoder's labels: any text side of a CLIP space embeds zero-shot labels the same way.
    internal static async Task<ZeroShotLabels> EmbedLabelsWithAsync(Func<IReadOnlyList<string>, CancellationToken, Task<IReadOnlyList<Embedding<float>>>> embedTexts, IReadOnlyList<string> labels, ZeroShotOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count == 0)
        {
            throw new ArgumentException("Zero-shot classification needs at least one label.", nameof(labels));
        }

        if (labels.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Labels must not be empty.", nameof(labels));
        }

        options ??= new ZeroShotOptions();
        var templates = options.Templates.Count == 0 ? ["{label}"] : options.Templates.ToList();
        if (templates.FirstOrDefault(t => !t.Contains(ZeroShotOptions.LabelPlaceholder, StringComparison.Ordinal)) is { } bad)
        {
            throw new ArgumentException($"Template '{bad}' has no {ZeroShotOptions.LabelPlaceholder} placeholder.", nameof(options));
        }

        var prompts = labels.SelectMany(l => templates.Select(t => t.Replace(ZeroShotOptions.LabelPlaceholder, l, StringComparison.Ordinal))).ToList();
        var textEmbeddings = await embedTexts(prompts, cancellationToken).ConfigureAwait(false);
        int dim = textEmbeddings[0].Vector.Length;
        var vectors = new float[labels.Count][];
        for (int l = 0; l < labels.Count; l++)
        {
            var mean = new float[dim];
            for (int t = 0; t < templates.Count; t++)
            {
                TensorPrimitives.Add(mean, textEmbeddings[(l * templates.Count) + t].Vector.Span, mean);
            }

            float norm = TensorPrimitives.Norm(mean);
            TensorPrimitives.Divide(mean, norm > 0 ? norm : 1f, mean);
            vectors[l] = mean;
        }

        return new ZeroShotLabels([.. labels], vectors, options.TopK);
    }

    /// <summary>Classifies one image against labels embedded by <see cref="EmbedLabelsAsync"/>.</summary>
    /// <param name="encoder">The encoder that embedded the labels.</param>
    /// <param name="image">The image.</param>
    /// <param name="labels">The embedded labels.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The labels with probabilities, best first.</returns>
    /// <exception cref="ArgumentException">The image embedding's length is not the labels' (another encoder's labels).</exception>
    public static async Task<ZeroShotResult> ClassifyAsync(this IClipEncoder encoder, ImageData image, ZeroShotLabels labels, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        return (await encoder.ClassifyAsync([image], labels, cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>Classifies several images against labels embedded by <see cref="EmbedLabelsAsync"/>: only the images are encoded.</summary>
    /// <param name="encoder">The encoder that embedded the labels.</param>
    /// <param name="images">The images; at least one.</param>
    /// <param name="labels">The embedded labels.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>One result per image, in order.</returns>
    /// <exception cref="ArgumentException">No images, or the image embeddings' length is not the labels' (another encoder's labels).</exception>
    public static async Task<IReadOnlyList<ZeroShotResult>> ClassifyAsync(this IClipEncoder encoder, IReadOnlyList<ImageData> images, ZeroShotLabels labels, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(labels);
        CheckImages(images);
        float scale = encoder.GetMetadata().LogitScale;
        var imageEmbeddings = await encoder.EmbedImagesAsync(images, cancellationToken).ConfigureAwait(false);
        if (imageEmbeddings[0].Vector.Length != labels.Dimension)
        {
            throw new ArgumentException($"The labels were embedded with length {labels.Dimension}, this encoder's images with {imageEmbeddings[0].Vector.Length}: embed the labels with the encoder that classifies.", nameof(labels));
        }

        var results = new ZeroShotResult[images.Count];
        var logits = new float[labels.Labels.Count];
        for (int i = 0; i < images.Count; i++)
        {
            var image = imageEmbeddings[i].Vector.Span;
            for (int l = 0; l < logits.Length; l++)
            {
                logits[l] = scale * TensorPrimitives.Dot(image, labels.Vector(l));
            }

            TensorPrimitives.SoftMax(logits, logits);
            results[i] = new ZeroShotResult(labels.Labels.Select((label, l) => new LabelScore(label, logits[l]))
                .OrderByDescending(s => s.Score)
                .Take(labels.TopK is > 0 and var k ? k : logits.Length)
                .ToList());
        }

        return results;
    }

    private static void CheckImages(IReadOnlyList<ImageData> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            throw new ArgumentException("At least one image is needed.", nameof(images));
        }
    }
}

using Microsoft.Extensions.AI;

namespace Multimodal.Sdk;

/// <summary>
/// <see cref="IClipEncoder"/> over a remote <c>/v1/embeddings</c> endpoint through Microsoft.Extensions.AI's
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>. Texts are sent as OpenAI's input; images as <c>data:</c> URIs in
/// the same field, the extension a Multimodal.Sdk server understands (a text-only endpoint embeds the URI as text, which
/// is meaningless: use images only against a CLIP server).
/// </summary>
/// <remarks>
/// Safe for concurrent use when the generator is. <see cref="ClipEncoderMetadata"/> reports the embedding length once a
/// call has returned one (0 before), and the logit scale given at construction (CLIP's 100 by default) for zero-shot
/// classification. Disposes the generator only when it owns it.
/// </remarks>
public sealed class OpenAICompatibleClipEncoder : IClipEncoder
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _generator;
    private readonly string _name;
    private readonly float _logitScale;
    private readonly bool _ownsGenerator;
    private int _dimensions;

    /// <summary>Wraps an embedding generator.</summary>
    /// <param name="generator">The remote generator, for example <c>client.GetEmbeddingClient("tiny-clip").AsIEmbeddingGenerator()</c>.</param>
    /// <param name="name">What <see cref="ClipEncoderMetadata.ModelPath"/> reports (the endpoint and model).</param>
    /// <param name="logitScale">The scale applied to cosine similarities before the zero-shot softmax.</param>
    /// <param name="ownsGenerator">Whether disposing this object disposes <paramref name="generator"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="logitScale"/> is not positive.</exception>
    public OpenAICompatibleClipEncoder(IEmbeddingGenerator<string, Embedding<float>> generator, string name = "remote", float logitScale = 100f, bool ownsGenerator = false)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(logitScale);
        _generator = generator;
        _name = name ?? "remote";
        _logitScale = logitScale;
        _ownsGenerator = ownsGenerator;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="images"/> is <see langword="null"/> or holds <see langword="null"/>.</exception>
    public Task<IReadOnlyList<Embedding<float>>> EmbedImagesAsync(IReadOnlyList<ImageData> images, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        return EmbedAsync([.. images.Select(i => EncodedMedia.ImageDataUri(i ?? throw new ArgumentNullException(nameof(images))))], cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> is <see langword="null"/>.</exception>
    public Task<IReadOnlyList<Embedding<float>>> EmbedTextsAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return EmbedAsync(texts, cancellationToken);
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? _generator.GetService(serviceType, serviceKey)
            : serviceType == typeof(ClipEncoderMetadata) ? new ClipEncoderMetadata(_name, Volatile.Read(ref _dimensions), _logitScale, 0)
            : serviceType.IsInstanceOfType(this) ? this
            : _generator.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsGenerator)
        {
            _generator.Dispose();
        }
    }

    private async Task<IReadOnlyList<Embedding<float>>> EmbedAsync(IReadOnlyList<string> inputs, CancellationToken cancellationToken)
    {
        if (inputs.Count == 0)
        {
            return [];
        }

        var embeddings = await _generator.GenerateAsync(inputs, cancellationToken: cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _dimensions, embeddings[0].Vector.Length);
        return [.. embeddings];
    }
}

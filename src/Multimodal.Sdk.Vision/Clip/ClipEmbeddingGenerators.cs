using Microsoft.Extensions.AI;

namespace Multimodal.Sdk;

/// <summary>
/// Exposes the text side of an <see cref="IClipEncoder"/> as Microsoft.Extensions.AI's
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>, so CLIP plugs into code written against that interface
/// (vector stores, semantic search).
/// </summary>
/// <remarks>Safe for concurrent use when the encoder is.</remarks>
public sealed class ClipTextEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly IClipEncoder _encoder;
    private readonly bool _ownsEncoder;
    private readonly EmbeddingGeneratorMetadata _metadata;

    /// <summary>Wraps an encoder.</summary>
    /// <param name="encoder">The CLIP encoder.</param>
    /// <param name="ownsEncoder">Whether disposing this generator disposes the encoder.</param>
    public ClipTextEmbeddingGenerator(IClipEncoder encoder, bool ownsEncoder = false)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        _encoder = encoder;
        _ownsEncoder = ownsEncoder;
        _metadata = ClipImageEmbeddingGenerator.CreateMetadata(encoder);
    }

    /// <inheritdoc/>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        return [.. await _encoder.EmbedTextsAsync(values.ToList(), cancellationToken).ConfigureAwait(false)];
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
            : _encoder.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsEncoder)
        {
            _encoder.Dispose();
        }
    }
}

/// <summary>
/// Exposes the image side of an <see cref="IClipEncoder"/> as Microsoft.Extensions.AI's
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over <see cref="DataContent"/> (image bytes with a media type).
/// </summary>
/// <remarks>Safe for concurrent use when the encoder is.</remarks>
public sealed class ClipImageEmbeddingGenerator : IEmbeddingGenerator<DataContent, Embedding<float>>
{
    private readonly IClipEncoder _encoder;
    private readonly bool _ownsEncoder;
    private readonly EmbeddingGeneratorMetadata _metadata;

    /// <summary>Wraps an encoder.</summary>
    /// <param name="encoder">The CLIP encoder.</param>
    /// <param name="ownsEncoder">Whether disposing this generator disposes the encoder.</param>
    public ClipImageEmbeddingGenerator(IClipEncoder encoder, bool ownsEncoder = false)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        _encoder = encoder;
        _ownsEncoder = ownsEncoder;
        _metadata = CreateMetadata(encoder);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A content item is not an image.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<DataContent> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var images = values.Select((c, i) => c.HasTopLevelMediaType("image")
            ? ImageData.FromBytes(c.Data, c.Name)
            : throw new ArgumentException($"Item {i} has media type '{c.MediaType}'; an image was expected.", nameof(values))).ToList();
        return [.. await _encoder.EmbedImagesAsync(images, cancellationToken).ConfigureAwait(false)];
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
            : _encoder.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsEncoder)
        {
            _encoder.Dispose();
        }
    }

    internal static EmbeddingGeneratorMetadata CreateMetadata(IClipEncoder encoder)
    {
        var meta = encoder.GetService(typeof(ClipEncoderMetadata)) as ClipEncoderMetadata;
        return new EmbeddingGeneratorMetadata("Multimodal.Sdk", providerUri: null, defaultModelId: meta?.ModelPath, defaultModelDimensions: meta?.EmbeddingDimensions);
    }
}

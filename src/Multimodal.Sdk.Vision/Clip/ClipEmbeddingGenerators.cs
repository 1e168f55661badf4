using Microsoft.Extensions.AI;

namespace Multimodal.Sdk;

/// <summary>
/// Exposes the text side of an <see cref="IClipEncoder"/> as Microsoft.Extensions.AI's
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>, so CLIP plugs into code written against that interface
/// (vector stores, semantic search).
/// </summary>
/// <remarks>Safe for concurrent use when the encoder is.</remarks>
public sealed class ClipTextEmbeddingGenerator : ClipEmbeddingGenerator, IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>Wraps an encoder.</summary>
    /// <param name="encoder">The CLIP encoder.</param>
    /// <param name="ownsEncoder">Whether disposing this generator disposes the encoder.</param>
    public ClipTextEmbeddingGenerator(IClipEncoder encoder, bool ownsEncoder = false)
        : base(encoder, ownsEncoder)
    {
    }

    /// <inheritdoc/>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        return [.. await Encoder.EmbedTextsAsync(values.ToList(), cancellationToken).ConfigureAwait(false)];
    }
}

/// <summary>
/// Exposes the image side of an <see cref="IClipEncoder"/> as Microsoft.Extensions.AI's
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over <see cref="DataContent"/> (image bytes with a media type).
/// </summary>
/// <remarks>Safe for concurrent use when the encoder is.</remarks>
public sealed class ClipImageEmbeddingGenerator : ClipEmbeddingGenerator, IEmbeddingGenerator<DataContent, Embedding<float>>
{
    /// <summary>Wraps an encoder.</summary>
    /// <param name="encoder">The CLIP encoder.</param>
    /// <param name="ownsEncoder">Whether disposing this generator disposes the encoder.</param>
    public ClipImageEmbeddingGenerator(IClipEncoder encoder, bool ownsEncoder = false)
        : base(encoder, ownsEncoder)
    {
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A content item is not an image.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<DataContent> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var images = values.Select((c, i) => c.HasTopLevelMediaType("image")
            ? ImageData.FromBytes(c.Data, c.Name)
            : throw new ArgumentException($"Item {i} has media type '{c.MediaType}'; an image was expected.", nameof(values))).ToList();
        return [.. await Encoder.EmbedImagesAsync(images, cancellationToken).ConfigureAwait(false)];
    }
}

/// <summary>What the text and image sides of a CLIP encoder share as M.E.AI embedding generators: metadata, services, ownership.</summary>
/// <remarks>Safe for concurrent use when the encoder is.</remarks>
public abstract class ClipEmbeddingGenerator : IDisposable
{
    private readonly bool _ownsEncoder;
    private readonly EmbeddingGeneratorMetadata _metadata;

    private protected ClipEmbeddingGenerator(IClipEncoder encoder, bool ownsEncoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        Encoder = encoder;
        _ownsEncoder = ownsEncoder;
        var meta = encoder.GetService(typeof(ClipEncoderMetadata)) as ClipEncoderMetadata;
        _metadata = new EmbeddingGeneratorMetadata("Multimodal.Sdk", providerUri: null, defaultModelId: meta?.ModelPath, defaultModelDimensions: meta?.EmbeddingDimensions);
    }

    private protected IClipEncoder Encoder { get; }

    /// <summary>Gets the generator's <see cref="EmbeddingGeneratorMetadata"/>, itself, or a service of the encoder.</summary>
    /// <param name="serviceType">The type asked for.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <returns>The service, or <see langword="null"/>.</returns>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
            : Encoder.GetService(serviceType, serviceKey);
    }

    /// <summary>Disposes the encoder when the generator owns it.</summary>
    public void Dispose()
    {
        if (_ownsEncoder)
        {
            Encoder.Dispose();
        }

        GC.SuppressFinalize(this);
    }
}

using Microsoft.Extensions.AI;

namespace Multimodal.Sdk.Retrieval.Postgres.Tests;

/// <summary>
/// A hand-written CLIP stand-in: a text's embedding counts its letters into 16 buckets, so texts sharing letters are
/// close. Counts how many texts it embedded, to show the encoder runs once per new item.
/// </summary>
internal sealed class TextHashEncoder : IClipEncoder
{
    public const int Dimension = 16;

    public int TextsEmbedded { get; private set; }

    public static float[] Embed(string text)
    {
        var v = new float[Dimension];
        foreach (char c in text.ToUpperInvariant())
        {
            if (char.IsLetter(c))
            {
                v[c % Dimension] += 1;
            }
        }

        v[Dimension - 1] += 0.01f;
        return v;
    }

    public Task<IReadOnlyList<Embedding<float>>> EmbedImagesAsync(IReadOnlyList<ImageData> images, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The Postgres tests index texts only.");

    public Task<IReadOnlyList<Embedding<float>>> EmbedTextsAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        TextsEmbedded += texts.Count;
        return Task.FromResult<IReadOnlyList<Embedding<float>>>(texts.Select(t => new Embedding<float>(Embed(t))).ToList());
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}

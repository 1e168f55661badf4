using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Memory;

namespace Multimodal.Sdk;

/// <summary>
/// Keeps the embeddings of images and texts in a memory cache keyed by a SHA-256 of their content, so a repeated image
/// (or zero-shot label prompt) skips the encoder. Look-ups are counted in the <c>multimodal.cache.requests</c> metric
/// (tag <c>result</c>: <c>hit</c> or <c>miss</c>), from which a dashboard draws the hit rate.
/// </summary>
/// <remarks>
/// Safe for concurrent use. Two concurrent misses on the same content both encode it (the second result overwrites an
/// equal first). An image is keyed by its encoded bytes, or by its size and pixels when given as pixels: the same picture
/// in two file formats is two entries, and an image given as a file path is not cached. Entries have size 1, so a cache with a <see cref="MemoryCacheOptions.SizeLimit"/>
/// bounds the number of embeddings.
/// </remarks>
public sealed class CachingClipEncoder : DelegatingClipEncoder
{
    private readonly IMemoryCache _cache;
    private readonly bool _ownsCache;
    private readonly string _prefix;
    private readonly TagList _tags;
    private long _hits;
    private long _misses;

    /// <summary>Wraps an encoder.</summary>
    /// <param name="innerEncoder">The encoder misses go to.</param>
    /// <param name="cache">The cache; <see langword="null"/> creates one holding at most <paramref name="maxEntries"/> embeddings, disposed with this encoder.</param>
    /// <param name="maxEntries">The size of the cache created when <paramref name="cache"/> is <see langword="null"/>.</param>
    /// <param name="modelId">The model's name for the metric, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerEncoder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxEntries"/> is less than 1.</exception>
    public CachingClipEncoder(IClipEncoder innerEncoder, IMemoryCache? cache = null, int maxEntries = 10_000, string? modelId = null)
        : base(innerEncoder)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        _ownsCache = cache is null;
        _cache = cache ?? new MemoryCache(new MemoryCacheOptions { SizeLimit = maxEntries });

        // A shared cache may hold other encoders' entries: this instance's keys start with its own prefix.
        _prefix = $"{nameof(CachingClipEncoder)}:{modelId}:{Guid.NewGuid():N}:";
        _tags = new TagList { { "multimodal.pipeline", "clip" } };
        if (modelId is not null)
        {
            _tags.Add("gen_ai.request.model", modelId);
        }
    }

    /// <summary>Gets the number of embeddings served from the cache.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Gets the number of embeddings that were computed.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <inheritdoc/>
    public override Task<IReadOnlyList<Embedding<float>>> EmbedImagesAsync(IReadOnlyList<ImageData> images, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        return LookUpAsync(images, KeyOf, base.EmbedImagesAsync, cancellationToken);
    }

    /// <inheritdoc/>
    public override Task<IReadOnlyList<Embedding<float>>> EmbedTextsAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return LookUpAsync(texts, KeyOf, base.EmbedTextsAsync, cancellationToken);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsCache)
        {
            _cache.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task<IReadOnlyList<Embedding<float>>> LookUpAsync<T>(IReadOnlyList<T> items, Func<T, string?> key, Func<IReadOnlyList<T>, CancellationToken, Task<IReadOnlyList<Embedding<float>>>> compute, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return await compute(items, cancellationToken).ConfigureAwait(false);
        }

        var results = new Embedding<float>[items.Count];
        var keys = new string?[items.Count];
        var missing = new List<int>();
        for (int i = 0; i < items.Count; i++)
        {
            keys[i] = key(items[i]);
            if (keys[i] is { } k && _cache.TryGetValue(k, out Embedding<float>? hit) && hit is not null)
            {
                results[i] = hit;
            }
            else
            {
                missing.Add(i);
            }
        }

        Count(items.Count - missing.Count, "hit", ref _hits);
        Count(missing.Count, "miss", ref _misses);
        if (missing.Count > 0)
        {
            var computed = await compute(missing.Select(i => items[i]).ToList(), cancellationToken).ConfigureAwait(false);
            for (int k = 0; k < missing.Count; k++)
            {
                results[missing[k]] = computed[k];
                if (keys[missing[k]] is not { } store)
                {
                    continue;
                }

                using var entry = _cache.CreateEntry(store);
                entry.Size = 1;
                entry.Value = computed[k];
            }
        }

        return results;
    }

    private void Count(int n, string result, ref long counter)
    {
        if (n == 0)
        {
            return;
        }

        Interlocked.Add(ref counter, n);
        var tags = _tags;
        tags.Add("result", result);
        ServingMetrics.CacheRequests.Add(n, tags);
    }

    private string? KeyOf(ImageData image)
    {
        if (image.EncodedBytes.IsEmpty && image.RgbPixels.IsEmpty)
        {
            return null; // a file path: its content is read later, by the pipeline; not cached
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        if (!image.EncodedBytes.IsEmpty)
        {
            SHA256.HashData(image.EncodedBytes.Span, hash);
            return _prefix + "e" + Convert.ToHexString(hash);
        }

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> size = stackalloc byte[8];
        BitConverter.TryWriteBytes(size, image.Width);
        BitConverter.TryWriteBytes(size[4..], image.Height);
        sha.AppendData(size);
        sha.AppendData(image.RgbPixels.Span);
        sha.GetHashAndReset(hash);
        return _prefix + "p" + Convert.ToHexString(hash);
    }

    private string? KeyOf(string text) => _prefix + "t" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

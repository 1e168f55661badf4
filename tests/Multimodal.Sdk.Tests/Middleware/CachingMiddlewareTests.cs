using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Multimodal.Sdk.Tests.Middleware;

/// <summary><see cref="CachingClipEncoder"/>: a repeated image or text skips the encoder, and look-ups are counted as a metric.</summary>
public class CachingMiddlewareTests
{
    private static readonly ImageData Red = ImageData.FromPixels(new byte[] { 255, 0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0 }, 2, 2);
    private static readonly ImageData RedAgain = ImageData.FromPixels(new byte[] { 255, 0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0 }, 2, 2);
    private static readonly ImageData Blue = ImageData.FromPixels(new byte[] { 0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0, 255 }, 2, 2);

    [Fact]
    public async Task ARepeatedImageSkipsTheEncoder()
    {
        var inner = new CountingClipEncoder();
        using var caching = new CachingClipEncoder(inner);
        var first = await caching.EmbedImagesAsync([Red]);
        var second = await caching.EmbedImagesAsync([RedAgain, Blue]);

        Assert.Equal([1, 1], inner.ImageBatches); // the second call encoded only the blue image
        Assert.Equal(first[0].Vector.ToArray(), second[0].Vector.ToArray());
        Assert.NotEqual(second[0].Vector.ToArray(), second[1].Vector.ToArray());
        Assert.Equal(1, caching.Hits);
        Assert.Equal(2, caching.Misses);
    }

    [Fact]
    public async Task ARepeatedTextSkipsTheEncoder()
    {
        var inner = new CountingClipEncoder();
        using var caching = new CachingClipEncoder(inner);
        await caching.EmbedTextsAsync(["a cat", "a dog"]);
        await caching.EmbedTextsAsync(["a dog", "a cat"]);
        Assert.Equal([2], inner.TextBatches);
    }

    [Fact]
    public async Task HitsAndMissesAreCountedAsAMetric()
    {
        var counts = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Multimodal.Sdk" && instrument.Name == "multimodal.cache.requests")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? model = null, result = null;
            foreach (var tag in tags)
            {
                model = tag.Key == "gen_ai.request.model" ? (string?)tag.Value : model;
                result = tag.Key == "result" ? (string?)tag.Value : result;
            }

            if (model == "cache-metric-model")
            {
                counts.AddOrUpdate(result!, value, (_, v) => v + value);
            }
        });
        listener.Start();

        using var caching = new CachingClipEncoder(new CountingClipEncoder(), modelId: "cache-metric-model");
        for (int i = 0; i < 4; i++)
        {
            await caching.EmbedImagesAsync([Red]);
        }

        Assert.Equal(3, counts["hit"]);
        Assert.Equal(1, counts["miss"]);
    }

    [Fact]
    public async Task UseCachingWrapsTheRegisteredEncoder()
    {
        var inner = new CountingClipEncoder();
        var services = new ServiceCollection();
        services.AddMultimodal().AddPipeline<IClipEncoder>(null, _ => inner).UseCaching(maxEntries: 10);
        using var provider = services.BuildServiceProvider();
        var clip = provider.GetRequiredService<IClipEncoder>();
        await clip.EmbedImagesAsync([Red]);
        await clip.EmbedImagesAsync([Red]);
        Assert.Equal([1], inner.ImageBatches);
    }

    private sealed class CountingClipEncoder : IClipEncoder
    {
        public ConcurrentQueue<int> ImageBatches { get; } = new();

        public ConcurrentQueue<int> TextBatches { get; } = new();

        public Task<IReadOnlyList<Embedding<float>>> EmbedImagesAsync(IReadOnlyList<ImageData> images, CancellationToken cancellationToken = default)
        {
            ImageBatches.Enqueue(images.Count);
            return Task.FromResult<IReadOnlyList<Embedding<float>>>([.. images.Select(i => new Embedding<float>(new float[] { i.RgbPixels.Span[0], i.RgbPixels.Span[2] }))]);
        }

        public Task<IReadOnlyList<Embedding<float>>> EmbedTextsAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
        {
            TextBatches.Enqueue(texts.Count);
            return Task.FromResult<IReadOnlyList<Embedding<float>>>([.. texts.Select(t => new Embedding<float>(new float[] { t.Length, t[2] }))]);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}

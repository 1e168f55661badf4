using System.Numerics.Tensors;
using System.Text.Json;
using Xunit.Abstractions;

namespace Multimodal.Sdk.Retrieval.Tests.Zoo;

/// <summary>
/// Held-out shapes images (seed 2027, never trained on) and their canonical captions, embedded by the zoo's tiny CLIP:
/// text-to-image and image-to-text Recall@1/5/10 measured through the retriever (index, then search) equal
/// <see cref="RetrievalMetrics"/> on the raw similarity matrix of the same embeddings.
/// </summary>
public sealed class ZooRetrievalTests(ITestOutputHelper output)
{
    [Fact]
    public async Task RecallThroughTheRetrieverEqualsRetrievalMetricsOnTheRawSimilarityMatrix()
    {
        string folder = Path.Combine(TestPaths.Root, "tests", "fixtures", "Vision", "shapes-s2027");
        var labels = File.ReadAllLines(Path.Combine(folder, "labels.jsonl")).Where(l => l.Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (File: Path.Combine(folder, e.GetProperty("file").GetString()!), Caption: e.GetProperty("caption").GetString()!))
            .ToList();

        // One caption per image and no caption shared: each text has exactly one relevant image and vice versa.
        var items = labels.GroupBy(l => l.Caption).Where(g => g.Count() == 1).Select(g => g.Single()).ToList();
        Assert.True(items.Count >= 100, $"only {items.Count} held-out images have a unique caption");
        using IClipEncoder encoder = new ClipEncoder(Path.Combine(TestPaths.Root, "models", "tiny-clip"));

        var imageVectors = await encoder.EmbedImagesAsync([.. items.Select(i => ImageData.FromFile(i.File))]);
        var textVectors = await encoder.EmbedTextsAsync([.. items.Select(i => i.Caption)]);
        var similarity = new double[items.Count, items.Count];
        for (int t = 0; t < items.Count; t++)
        {
            for (int i = 0; i < items.Count; i++)
            {
                similarity[t, i] = TensorPrimitives.Dot(textVectors[t].Vector.Span, imageVectors[i].Vector.Span);
            }
        }

        var expected = RetrievalMetrics.Evaluate(similarity, [.. Enumerable.Range(0, items.Count)]);

        using var store = EmbeddedRetrievalStore.CreateInMemory();
        var retriever = new MultimodalRetriever(encoder, store);
        await retriever.AddAsync([.. items.Select((x, i) => RetrievalItem.FromImageFile(x.File, id: $"image{i}"))]);
        await retriever.AddAsync([.. items.Select((x, i) => RetrievalItem.FromText(x.Caption, id: $"text{i}"))]);

        var textToImage = await retriever.SearchAsync([.. items.Select(i => i.Caption)], new RetrievalSearchOptions { Top = items.Count, Modality = RetrievalModality.Image });
        var imageToText = await retriever.SearchAsync([.. items.Select(i => ImageData.FromFile(i.File))], new RetrievalSearchOptions { Top = items.Count, Modality = RetrievalModality.Text });
        var t2iRanks = textToImage.Select((hits, q) => 1 + hits.ToList().FindIndex(h => h.Record.Id == $"image{q}")).ToList();
        var i2tRanks = imageToText.Select((hits, q) => 1 + hits.ToList().FindIndex(h => h.Record.Id == $"text{q}")).ToList();

        foreach (int k in new[] { 1, 5, 10 })
        {
            double t2i = 100.0 * t2iRanks.Count(r => r >= 1 && r <= k) / items.Count;
            double i2t = 100.0 * i2tRanks.Count(r => r >= 1 && r <= k) / items.Count;
            output.WriteLine($"R@{k}: text->image {t2i:F2} (metrics {expected.TextToImage.RecallAt(k):F2}), image->text {i2t:F2} (metrics {expected.ImageToText.RecallAt(k):F2}) over {items.Count} pairs");
            Assert.Equal(expected.TextToImage.RecallAt(k), t2i, 9);
            Assert.Equal(expected.ImageToText.RecallAt(k), i2t, 9);
        }

        Assert.Equal(expected.TextToImage.FirstRelevantRanks, t2iRanks);
        Assert.Equal(expected.ImageToText.FirstRelevantRanks, i2tRanks);
    }
}

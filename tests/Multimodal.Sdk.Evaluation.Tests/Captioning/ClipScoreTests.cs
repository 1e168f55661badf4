using Microsoft.Extensions.AI;

namespace Multimodal.Sdk.Evaluation.Tests.Captioning;

public class ClipScoreTests
{
    // A hand-written encoder whose vectors are chosen so every score can be checked on paper.
    private sealed class FakeEncoder(Dictionary<string, float[]> texts, float[][] images) : IClipEncoder
    {
        public List<string> TextsSeen { get; } = [];

        public Task<IReadOnlyList<Embedding<float>>> EmbedImagesAsync(IReadOnlyList<ImageData> images1, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<Embedding<float>>>(images1.Select((_, i) => new Embedding<float>(images[i])).ToList());

        public Task<IReadOnlyList<Embedding<float>>> EmbedTextsAsync(IReadOnlyList<string> texts1, CancellationToken cancellationToken = default)
        {
            TextsSeen.AddRange(texts1);
            return Task.FromResult<IReadOnlyList<Embedding<float>>>(texts1.Select(t => new Embedding<float>(texts[t])).ToList());
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private static readonly ImageData Image = ImageData.FromPixels(new byte[3], 1, 1);

    [Fact]
    public async Task ClipScoreIsTwoAndAHalfTimesTheClippedCosine()
    {
        // image (1, 0); "good" (0.6, 0.8): cos 0.6 -> 1.5; "bad" (-1, 0): cos -1 clipped to 0.
        var encoder = new FakeEncoder(
            new() { ["A photo depicts good"] = [0.6f, 0.8f], ["A photo depicts bad"] = [-1f, 0f] },
            [[1f, 0f], [1f, 0f]]);
        var result = await ClipScore.ComputeAsync(encoder, [Image, Image], ["good", "bad"]);
        Assert.Equal(1.5, result.PerImage[0], 6);
        Assert.Equal(0.0, result.PerImage[1], 6);
        Assert.Equal(0.75, result.Score, 6);
        Assert.Null(result.RefScore);
        Assert.All(encoder.TextsSeen, t => Assert.StartsWith("A photo depicts ", t, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RefClipScoreIsTheHarmonicMeanWithTheBestReference()
    {
        // CLIP-S = 2.5 x 0.6 = 1.5; references cos 0.6 and 1.0 -> best 1.0; harmonic mean 2 x 1.5 x 1 / 2.5 = 1.2.
        var encoder = new FakeEncoder(
            new() { ["A photo depicts cand"] = [0.6f, 0.8f], ["A photo depicts r1"] = [1f, 0f], ["A photo depicts r2"] = [0.6f, 0.8f] },
            [[1f, 0f]]);
        var result = await ClipScore.ComputeAsync(encoder, [Image], ["cand"], [["r1", "r2"]]);
        Assert.Equal(1.2, result.RefScore!.Value, 6);
    }

    [Fact]
    public async Task MismatchedInputsAreRejected()
    {
        var encoder = new FakeEncoder([], [[1f]]);
        await Assert.ThrowsAsync<ArgumentException>(() => ClipScore.ComputeAsync(encoder, [Image], ["a", "b"]));
        await Assert.ThrowsAsync<ArgumentException>(() => ClipScore.ComputeAsync(encoder, [Image], ["a"], [[]]));
    }
}

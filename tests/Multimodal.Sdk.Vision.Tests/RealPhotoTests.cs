namespace Multimodal.Sdk.Vision.Tests;

/// <summary>
/// Photos from outside the shapes world through tiny-clip and tiny-captioner: the answers cannot be right, but they must
/// still be well-formed results of the photo that was given (not of a blank decode, not garbage text).
/// </summary>
public sealed class RealPhotoTests : IDisposable
{
    private static readonly string[] PhotoFiles = ["photo_chelsea.png", "photo_rocket.jpg", "photo_coffee.png", "bench_coffee_640x480.jpg"];

    private readonly ClipEncoder _clip = new(TestData.Model("tiny-clip"));
    private readonly ImageCaptioner _captioner = new(TestData.Model("tiny-captioner"));

    public static TheoryData<string> Photos => [.. PhotoFiles];

    public void Dispose()
    {
        _clip.Dispose();
        _captioner.Dispose();
    }

    private static ImageData Photo(string file) => ImageData.FromFile(Path.Combine(TestData.Root, "tests", "fixtures", "Imaging", file));

    [Theory]
    [MemberData(nameof(Photos))]
    public async Task PhotoEmbeddingsAreFiniteAndUnitLength(string file)
    {
        var embedding = await _clip.EmbedImageAsync(Photo(file));
        Assert.Equal(_clip.GetMetadata().EmbeddingDimensions, embedding.Vector.Length);
        Assert.All(embedding.Vector.ToArray(), v => Assert.True(float.IsFinite(v), $"{file}: {v}"));
        Assert.Equal(1.0, Math.Sqrt(embedding.Vector.ToArray().Sum(v => (double)v * v)), 3);
    }

    [Fact]
    public async Task DifferentPhotosGiveClearlyDistinctEmbeddingsAndTheSamePhotoReencodedTheSame()
    {
        // bench_coffee_640x480.jpg is photo_coffee.png re-encoded at 640 x 480 (measured: cosine 0.9999994; the
        // different photos 0.89 at most). A decoder that returned a blank or grey image would make all four equal.
        var embeddings = await _clip.EmbedImagesAsync([.. PhotoFiles.Select(Photo)]);
        for (int a = 0; a < embeddings.Count; a++)
        {
            for (int b = a + 1; b < embeddings.Count; b++)
            {
                float cosine = ClipEncoderExtensions.Similarity(embeddings[a], embeddings[b]);
                bool sameScene = PhotoFiles[a].Contains("coffee", StringComparison.Ordinal) && PhotoFiles[b].Contains("coffee", StringComparison.Ordinal);
                Assert.True(sameScene ? cosine > 0.999f : cosine < 0.95f, $"{PhotoFiles[a]} and {PhotoFiles[b]}: cosine {cosine}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Photos))]
    public async Task ZeroShotScoresOfAPhotoAreADistributionAndRepeatExactly(string file)
    {
        var first = await _clip.ClassifyAsync(Photo(file), TestData.ZeroShotLabels);
        var second = await _clip.ClassifyAsync(Photo(file), TestData.ZeroShotLabels);
        Assert.Equal(TestData.ZeroShotLabels.Order(StringComparer.Ordinal), first.Labels.Select(l => l.Label).Order(StringComparer.Ordinal));
        Assert.All(first.Labels, l => Assert.InRange(l.Score, 0f, 1f));
        Assert.Equal(1f, first.Labels.Sum(l => l.Score), 3);
        Assert.True(first.Labels.Zip(first.Labels.Skip(1)).All(p => p.First.Score >= p.Second.Score), "best first");
        Assert.Equal(first.Labels, second.Labels);
    }

    [Theory]
    [MemberData(nameof(Photos))]
    public async Task PhotoCaptionsAreMadeOnlyOfTheShapesWorldsWords(string file)
    {
        foreach (var options in new[] { new CaptionOptions(), new CaptionOptions { NumBeams = 2 } })
        {
            var caption = await _captioner.CaptionAsync(Photo(file), options);
            Assert.False(string.IsNullOrWhiteSpace(caption.Text), file);
            Assert.False(caption.Text.Any(c => c == '\uFFFD' || char.IsControl(c)), $"{file}: replacement or control character in '{caption.Text}'");
            Assert.All(caption.Text.Split(' '), word => Assert.True(TestData.CaptionWords.Contains(word), $"{file}: '{word}' in '{caption.Text}' is not a word of the shapes world"));
            Assert.Equal(caption.Text, (await _captioner.CaptionAsync(Photo(file), options)).Text);
        }
    }
}

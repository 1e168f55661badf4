using Multimodal.Sdk;

namespace Multimodal.Cli.Tests;

/// <summary>
/// The batch commands' fast path (labels embedded once, chunks of images, several chunks in flight) gives what one
/// library call per image gives, in input order, and a bad file is still one error row among them.
/// </summary>
public sealed class BatchTests : IDisposable
{
    private static readonly string Shapes = Path.Combine(Mm.RepoRoot, "tests", "fixtures", "Vision", "shapes-s2027");
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-batch-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ClassifyOverManyImagesGivesEachImageTheScoresOfItsOwnLibraryCall()
    {
        var images = Directory.GetFiles(Shapes, "*.jpg").Order(StringComparer.Ordinal).Take(70).ToArray();
        string[] labels = ["red circle", "blue square", "yellow cross", "green triangle", "purple star"];
        var run = await Mm.RunAsync(["classify", "--image", .. images, "--labels", string.Join(',', labels), "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(images, run.Results.Select(r => r.GetProperty("image").GetString()));
        using var clip = new ClipEncoder(Path.Combine(AppContext.BaseDirectory, "models", "tiny-clip"));
        foreach (int i in new[] { 0, 1, 33, 69 })
        {
            var expected = await clip.ClassifyAsync(ImageData.FromFile(images[i]), labels);
            var got = run.Results[i].GetProperty("labels").EnumerateArray().ToList();
            Assert.Equal(expected.Labels.Select(l => l.Label), got.Select(l => l.GetProperty("label").GetString()));
            Assert.All(expected.Labels.Zip(got), p => Assert.Equal(p.First.Score, p.Second.GetProperty("score").GetSingle(), 1e-5f));
        }
    }

    [Fact]
    public async Task CaptionAndEmbedOverManyImagesMatchOneLibraryCallPerImage()
    {
        var images = Directory.GetFiles(Shapes, "*.jpg").Order(StringComparer.Ordinal).Take(40).ToArray();
        var captions = await Mm.RunAsync(["caption", "--image", .. images, "--json"]);
        var embeddings = await Mm.RunAsync(["embed", "--image", .. images, "--json"]);

        Assert.True(captions.ExitCode == 0, captions.ToString());
        Assert.True(embeddings.ExitCode == 0, embeddings.ToString());
        using var captioner = new ImageCaptioner(Path.Combine(AppContext.BaseDirectory, "models", "tiny-captioner"));
        using var clip = new ClipEncoder(Path.Combine(AppContext.BaseDirectory, "models", "tiny-clip"));
        foreach (int i in new[] { 0, 17, 39 })
        {
            Assert.Equal(images[i], captions.Results[i].GetProperty("image").GetString());
            Assert.Equal((await captioner.CaptionAsync(ImageData.FromFile(images[i]))).Text, captions.Results[i].GetProperty("captions")[0].GetString());
            var vector = (await clip.EmbedImageAsync(ImageData.FromFile(images[i]))).Vector.ToArray();
            Assert.Equal(vector, embeddings.Results[i].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()), (a, b) => Math.Abs(a - b) < 1e-5f);
        }
    }

    [Fact]
    public async Task ABadFileInsideALargeBatchIsOneErrorRowInPlaceAndTheRestAreClassified()
    {
        var images = Directory.GetFiles(Shapes, "*.jpg").Order(StringComparer.Ordinal).Take(80).ToList();
        string corrupt = Path.Combine(_dir, "corrupt.jpg");
        File.WriteAllBytes(corrupt, File.ReadAllBytes(images[0])[..200]);
        images.Insert(45, corrupt);
        images.Insert(70, Path.Combine(_dir, "missing.jpg"));

        var run = await Mm.RunAsync(["classify", "--image", .. images, "--labels", "red circle,blue square", "--json"]);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal(images, run.Results.Select(r => r.GetProperty("image").GetString()));
        Assert.Equal([45, 70], run.Results.Select((r, i) => (r, i)).Where(p => p.r.TryGetProperty("error", out _)).Select(p => p.i));
        Assert.Equal(2, run.ErrorLines.Length);
        Assert.Contains("corrupt.jpg", run.ErrorLines[0], StringComparison.Ordinal);
        Assert.Contains("missing.jpg", run.ErrorLines[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1072, 32, 2, 32, 2)]
    [InlineData(1072, 32, 16, 32, 16)]
    [InlineData(40, 32, 2, 20, 2)]
    [InlineData(3, 32, 16, 1, 3)]
    [InlineData(1, 32, 16, 1, 1)]
    [InlineData(10, 1, 4, 1, 4)]
    public void ThePlanFillsTheCoresWithChunksNoLargerThanTheLibrarysBatch(int inputs, int maxChunk, int cores, int chunk, int workers)
    {
        var plan = BatchPlan.For(inputs, maxChunk, cores);

        Assert.Equal((chunk, workers), (plan.ChunkSize, plan.Workers));
        Assert.Equal(workers > 1 ? 1 : 0, plan.SessionOptions.IntraOpThreads);
    }

    [Fact]
    public async Task OpenAisTemplateFormGivesTheSameScoresAsTheSdksPlaceholder()
    {
        string[] images = [Mm.Asset("large-blue-square.png"), Mm.Asset("small-blue-circle.jpg")];
        var openAi = await Mm.RunAsync(["classify", "--image", .. images, "--labels", "blue square,blue circle,red star", "--template", "a photo of a {}.", "a drawing of a {}.", "--json"]);
        var sdk = await Mm.RunAsync(["classify", "--image", .. images, "--labels", "blue square,blue circle,red star", "--template", "a photo of a {label}.", "a drawing of a {label}.", "--json"]);
        var other = await Mm.RunAsync(["classify", "--image", .. images, "--labels", "blue square,blue circle,red star", "--json"]);

        Assert.True(openAi.ExitCode == 0, openAi.ToString());
        Assert.Equal(sdk.Out, openAi.Out);
        Assert.NotEqual(other.Out, openAi.Out);
    }
}

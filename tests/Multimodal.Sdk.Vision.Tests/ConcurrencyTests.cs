namespace Multimodal.Sdk.Vision.Tests;

public sealed class ConcurrencyTests : IDisposable
{
    private readonly ClipEncoder _clip = new(TestData.Model("tiny-clip"));
    private readonly ImageCaptioner _captioner = new(TestData.Model("tiny-captioner"));

    public void Dispose()
    {
        _clip.Dispose();
        _captioner.Dispose();
    }

    [Fact]
    public async Task EightThreadsSharingThePipelinesGiveTheSequentialResults()
    {
        // 200 mixed requests: zero-shot, image embedding, greedy caption and beam caption over the held-out images.
        var images = TestData.Shapes.Select(s => ImageData.FromFile(s.FullPath)).ToList();
        var requests = Enumerable.Range(0, 200).Select(i => (Kind: i % 4, Image: images[i % images.Count])).ToList();

        async Task<string> Run((int Kind, ImageData Image) r) => r.Kind switch
        {
            0 => (await _clip.ClassifyAsync(r.Image, TestData.ZeroShotLabels)).Top.Label,
            1 => string.Join(",", (await _clip.EmbedImageAsync(r.Image)).Vector.ToArray().Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))),
            2 => (await _captioner.CaptionAsync(r.Image)).Text,
            _ => string.Join("|", (await _captioner.CaptionAsync(r.Image, new CaptionOptions { NumBeams = 3, NumReturnSequences = 2 })).Captions.Select(c => c.Text)),
        };

        var sequential = new List<string>();
        foreach (var r in requests)
        {
            sequential.Add(await Run(r));
        }

        var parallel = new string[requests.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, requests.Count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) => parallel[i] = await Run(requests[i]));
        Assert.Equal(sequential, parallel);
    }
}

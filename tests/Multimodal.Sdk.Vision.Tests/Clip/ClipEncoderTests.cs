using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Multimodal.Sdk.Vision.Tests.Clip;

public sealed class ClipEncoderTests : IDisposable
{
    private readonly ClipEncoder _encoder = new(TestData.Model("tiny-clip"));

    public void Dispose() => _encoder.Dispose();

    [Fact]
    public async Task EmbeddingsAreUnitLengthWithTheProjectionDimension()
    {
        var meta = _encoder.GetMetadata();
        var images = await _encoder.EmbedImagesAsync([ImageData.FromFile(TestData.Shapes[0].FullPath)]);
        var texts = await _encoder.EmbedTextsAsync(["a photo of a red circle", string.Empty]);
        Assert.All(images.Concat(texts), e =>
        {
            Assert.Equal(meta.EmbeddingDimensions, e.Vector.Length);
            Assert.Equal(1f, System.Numerics.Tensors.TensorPrimitives.Norm(e.Vector.Span), 4);
        });
    }

    [Fact]
    public void TrainedLogitScaleIsReadFromTheCombinedGraphNotTheConfigsInitialValue()
    {
        // config.json holds logit_scale_init_value 2.6592 (exp = 14.3); training moves it.
        float scale = _encoder.GetMetadata().LogitScale;
        Assert.InRange(scale, 1f, 100.001f);
        Assert.NotEqual(MathF.Exp(2.6592f), scale, 2);
    }

    [Fact]
    public async Task ZeroShotFindsTheColourAndShapeOfSingleObjectImages()
    {
        var single = TestData.Shapes.Where(s => s.Objects.Count == 1).ToList();
        var results = await _encoder.ClassifyAsync(single.Select(s => ImageData.FromFile(s.FullPath)).ToList(), TestData.ZeroShotLabels);
        int correct = single.Zip(results).Count(p => p.Second.Top.Label == $"{p.First.Objects[0].Colour} {p.First.Objects[0].Shape}");
        Assert.True(correct >= single.Count - 1, $"{correct} of {single.Count} single-object images classified correctly.");
        Assert.All(results, r =>
        {
            Assert.Equal(40, r.Labels.Count);
            Assert.Equal(1f, r.Labels.Sum(l => l.Score), 3);
            Assert.True(r.Labels.Zip(r.Labels.Skip(1)).All(p => p.First.Score >= p.Second.Score));
        });
    }

    [Fact]
    public async Task PromptEnsemblingScoresWithTheNormalizedMeanOfThePerTemplateEmbeddingsAndTopKKeepsTheBest()
    {
        var image = ImageData.FromFile(TestData.Shapes.First(s => s.Objects.Count == 1).FullPath);
        string[] templates = ["a photo of a {label}", "a {label}"];
        var all = await _encoder.ClassifyAsync(image, TestData.ZeroShotLabels, new ZeroShotOptions { Templates = [.. templates] });
        var top3 = await _encoder.ClassifyAsync(image, TestData.ZeroShotLabels, new ZeroShotOptions { Templates = [.. templates], TopK = 3 });

        // By hand from public parts: each label's per-template text embeddings averaged, the mean normalized to unit
        // length, logit scale x cosine with the image, softmax over the labels.
        float[] imageVector = (await _encoder.EmbedImageAsync(image)).Vector.ToArray();
        float scale = _encoder.GetMetadata().LogitScale;
        var logits = new double[TestData.ZeroShotLabels.Length];
        for (int l = 0; l < logits.Length; l++)
        {
            var perTemplate = await _encoder.EmbedTextsAsync([.. templates.Select(t => t.Replace(ZeroShotOptions.LabelPlaceholder, TestData.ZeroShotLabels[l], StringComparison.Ordinal))]);
            var mean = new double[imageVector.Length];
            foreach (var embedding in perTemplate)
            {
                for (int d = 0; d < mean.Length; d++)
                {
                    mean[d] += embedding.Vector.Span[d] / (double)perTemplate.Count;
                }
            }

            double norm = Math.Sqrt(mean.Sum(v => v * v));
            logits[l] = scale * mean.Select((v, d) => v / norm * imageVector[d]).Sum();
        }

        var logit = TestData.ZeroShotLabels.Select((label, l) => (label, l)).ToDictionary(p => p.label, p => logits[p.l]);

        // Softmax scores: probabilities summing to 1 whose log-ratios are the logit differences (compared in log space
        // so the many near-zero scores count as much as the top one).
        Assert.Equal(TestData.ZeroShotLabels.Length, all.Labels.Count);
        Assert.Equal(1f, all.Labels.Sum(s => s.Score), 4);
        var top = all.Labels[0];
        Assert.All(all.Labels.Where(s => s.Score > 1e-30f), s =>
        {
            double measured = Math.Log(s.Score) - Math.Log(top.Score), byHand = logit[s.Label] - logit[top.Label];
            Assert.True(Math.Abs(measured - byHand) < 1e-3, $"{s.Label}: log-score {measured} below the top, the normalized mean gives {byHand}");
        });
        Assert.Equal(logit.OrderByDescending(e => e.Value).Take(3).Select(e => e.Key), top3.Labels.Select(l => l.Label));
        Assert.Equal(all.Labels.Take(3), top3.Labels);
    }

    [Fact]
    public async Task LabelsEmbeddedOnceClassifyAsLabelsGivenPerCallWithoutEncodingTextAgain()
    {
        using var counting = new CountingEncoder(_encoder);
        var images = TestData.Shapes.Take(3).Select(s => ImageData.FromFile(s.FullPath)).ToList();
        var options = new ZeroShotOptions { Templates = ["a photo of a {label}", "a {label}"], TopK = 5 };
        var perCall = await counting.ClassifyAsync(images, TestData.ZeroShotLabels, options);
        Assert.Equal(1, counting.TextCalls);

        var labels = await counting.EmbedLabelsAsync(TestData.ZeroShotLabels, options);
        var prepared = new List<ZeroShotResult>();
        foreach (var image in images)
        {
            prepared.Add(await counting.ClassifyAsync(image, labels));
        }

        Assert.Equal(2, counting.TextCalls);   // the EmbedLabelsAsync call only, none per image
        Assert.Equal(TestData.ZeroShotLabels, labels.Labels);
        Assert.Equal(_encoder.GetMetadata().EmbeddingDimensions, labels.Dimension);
        for (int i = 0; i < images.Count; i++)
        {
            Assert.Equal(5, prepared[i].Labels.Count);
            Assert.Equal(perCall[i].Labels.Select(l => l.Label), prepared[i].Labels.Select(l => l.Label));
            Assert.All(perCall[i].Labels.Zip(prepared[i].Labels), p => Assert.Equal(p.First.Score, p.Second.Score, 5));
        }
    }

    [Fact]
    public async Task LabelsOfAnotherEmbeddingSpaceAreRefused()
    {
        using var other = new ShortTextEncoder(_encoder);
        var labels = await other.EmbedLabelsAsync(["red circle", "blue square"]);
        var image = ImageData.FromFile(TestData.Shapes[0].FullPath);
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => _encoder.ClassifyAsync(image, labels));
        Assert.Contains("length 3", ex.Message, StringComparison.Ordinal);
    }

    private sealed class CountingEncoder(IClipEncoder inner) : DelegatingClipEncoder(inner)
    {
        public int TextCalls { get; private set; }

        public override Task<IReadOnlyList<Embedding<float>>> EmbedTextsAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
        {
            TextCalls++;
            return base.EmbedTextsAsync(texts, cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
            // The test class owns the inner encoder.
        }
    }

    // Text embeddings of length 3: labels that belong to no real encoder's space.
    private sealed class ShortTextEncoder(IClipEncoder inner) : DelegatingClipEncoder(inner)
    {
        public override Task<IReadOnlyList<Embedding<float>>> EmbedTextsAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<Embedding<float>>>([.. texts.Select(_ => new Embedding<float>(new float[] { 0.6f, 0.8f, 0f }))]);

        protected override void Dispose(bool disposing)
        {
            // The test class owns the inner encoder.
        }
    }

    [Fact]
    public async Task ImagesGivenAsFileBytesOrPixelsEmbedAlike()
    {
        string path = TestData.Shapes.First(s => s.File.EndsWith(".png", StringComparison.Ordinal)).FullPath;
        var fromFile = await _encoder.EmbedImageAsync(ImageData.FromFile(path));
        var fromBytes = await _encoder.EmbedImageAsync(ImageData.FromBytes(await File.ReadAllBytesAsync(path)));
        Assert.Equal(fromFile.Vector.ToArray(), fromBytes.Vector.ToArray());
    }

    [Fact]
    public async Task BatchedAndSingleEmbeddingsAgree()
    {
        var images = TestData.Shapes.Take(5).Select(s => ImageData.FromFile(s.FullPath)).ToList();
        var batch = await _encoder.EmbedImagesAsync(images);
        for (int i = 0; i < images.Count; i++)
        {
            var single = await _encoder.EmbedImageAsync(images[i]);
            Assert.True(ClipEncoderExtensions.Similarity(single, batch[i]) > 0.99999f);
        }
    }

    [Fact]
    public async Task CombinedGraphAloneGivesTheSameEmbeddingsAsTheSeparateGraphs()
    {
        string dir = Directory.CreateTempSubdirectory("mm-clip-combined").FullName;
        try
        {
            foreach (var f in Directory.EnumerateFiles(TestData.Model("tiny-clip")))
            {
                File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
            }

            Directory.CreateDirectory(Path.Combine(dir, "onnx"));
            File.Copy(Path.Combine(TestData.Model("tiny-clip"), "onnx", "model.onnx"), Path.Combine(dir, "onnx", "model.onnx"));
            using var combined = new ClipEncoder(dir);
            var image = ImageData.FromFile(TestData.Shapes[1].FullPath);
            var a = await _encoder.EmbedImageAsync(image);
            var b = await combined.EmbedImageAsync(image);
            Assert.True(ClipEncoderExtensions.Similarity(a, b) > 0.9999f);
            var ta = await _encoder.EmbedTextAsync("a photo of a green star");
            var tb = await combined.EmbedTextAsync("a photo of a green star");
            Assert.True(ClipEncoderExtensions.Similarity(ta, tb) > 0.9999f);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task NonImageBytesRaiseInputDecodeExceptionNamingTheInput()
    {
        var ex = await Assert.ThrowsAsync<InputDecodeException>(() => _encoder.EmbedImagesAsync([ImageData.FromBytes("not an image"u8.ToArray(), "notes.txt")]));
        Assert.Contains("notes.txt", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingImageFileRaisesInputDecodeException()
    {
        await Assert.ThrowsAsync<InputDecodeException>(() => _encoder.EmbedImageAsync(ImageData.FromFile("/no/such/image.png")));
    }

    [Fact]
    public async Task EmptyInputsAndLabelsAreRejected()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _encoder.EmbedImagesAsync([]));
        await Assert.ThrowsAsync<ArgumentException>(() => _encoder.EmbedTextsAsync([]));
        var image = ImageData.FromFile(TestData.Shapes[0].FullPath);
        await Assert.ThrowsAsync<ArgumentException>(() => _encoder.ClassifyAsync(image, []));
        await Assert.ThrowsAsync<ArgumentException>(() => _encoder.ClassifyAsync(image, ["red circle", " "]));
        await Assert.ThrowsAsync<ArgumentException>(() => _encoder.ClassifyAsync(image, ["red circle"], new ZeroShotOptions { Templates = ["no placeholder"] }));
    }

    [Fact]
    public void AFolderOfAnotherModelTypeIsRejected()
    {
        string dir = Directory.CreateTempSubdirectory("mm-not-clip").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "config.json"), """{"model_type": "whisper"}""");
            var ex = Assert.Throws<ModelIncompatibleException>(() => new ClipEncoder(dir));
            Assert.Contains("'whisper'", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task KeyedClipModelsAndEmbeddingGeneratorsResolveFromDependencyInjection()
    {
        var services = new ServiceCollection();
        services.AddMultimodal().UseCpu().AddClip(TestData.Model("tiny-clip")).AddClip("second", TestData.Model("tiny-clip"));
        await using var sp = services.BuildServiceProvider();
        var text = sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var embeddings = await text.GenerateAsync(["a photo of a red circle"]);
        var direct = await sp.GetRequiredKeyedService<IClipEncoder>("second").EmbedTextAsync("a photo of a red circle");
        Assert.True(ClipEncoderExtensions.Similarity(embeddings[0], direct) > 0.99999f);
        Assert.NotSame(sp.GetRequiredService<IClipEncoder>(), sp.GetRequiredKeyedService<IClipEncoder>("second"));

        var images = sp.GetRequiredKeyedService<IEmbeddingGenerator<DataContent, Embedding<float>>>("second");
        var bytes = await File.ReadAllBytesAsync(TestData.Shapes[0].FullPath);
        var imageEmbedding = await images.GenerateAsync([new DataContent(bytes, "image/png")]);
        Assert.Equal(64, imageEmbedding[0].Vector.Length);
        await Assert.ThrowsAsync<ArgumentException>(() => images.GenerateAsync([new DataContent(bytes, "audio/wav")]));
    }
}

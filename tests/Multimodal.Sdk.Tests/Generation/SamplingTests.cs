namespace Multimodal.Sdk.Tests.Generation;

public class SamplingTests
{
    private static GenerationSettings Sampling(int maxNew, int count, int seed, float temperature = 1f, int topK = 0, float topP = 1f) => new()
    {
        MaxNewTokens = maxNew,
        DoSample = true,
        NumReturnSequences = count,
        Seed = seed,
        Temperature = temperature,
        TopK = topK,
        TopP = topP,
        PadTokenId = 7,
    };

    private static GenerationResult Run(string contract, GenerationSettings settings)
    {
        using var decoder = TinyDecoders.Open(contract);
        using var request = TinyDecoders.For(contract, [0]);
        return GenerationEngine.Generate(decoder, request.Value, settings);
    }

    [Fact]
    public void TheSameSeedGivesTheSameSequencesAndAnotherSeedOthers()
    {
        var a = Run("merged", Sampling(6, 8, seed: 42));
        var b = Run("merged", Sampling(6, 8, seed: 42));
        var c = Run("merged", Sampling(6, 8, seed: 43));
        Assert.Equal(a.Sequences[0].Select(s => s.Tokens), b.Sequences[0].Select(s => s.Tokens));
        Assert.NotEqual(a.Sequences[0].Select(s => s.Tokens), c.Sequences[0].Select(s => s.Tokens));
        Assert.Equal(8, a.Sequences[0].Count);
    }

    [Fact]
    public void FirstTokensFollowTheTemperatureTopKAndTopPDistribution()
    {
        var c = TinyDecoders.Case("sampling_first_token");
        double[] p = [.. c.GetProperty("probabilities").EnumerateArray().Select(e => e.GetDouble())];
        const int n = 4000;
        var result = Run("merged", Sampling(1, n, seed: 7, temperature: 0.7f, topK: 5, topP: 0.8f));
        var counts = new int[p.Length];
        foreach (var s in result.Sequences[0])
        {
            counts[s.Tokens[0]]++;
        }

        for (int t = 0; t < p.Length; t++)
        {
            if (p[t] == 0)
            {
                Assert.Equal(0, counts[t]);
            }
            else
            {
                double sigma = Math.Sqrt(p[t] * (1 - p[t]) / n);
                Assert.InRange((double)counts[t] / n, p[t] - (4 * sigma), p[t] + (4 * sigma));
            }
        }
    }

    [Fact]
    public void WholeSampledSequencesFollowTheModelsJointProbabilities()
    {
        // 3 tokens drawn through the cache, 4000 times in one batch: the most likely sequences must appear as often
        // as their exact probability (enumerated by the reference) says.
        var all = TinyDecoders.Case("all_three_token_sequences");
        var tokens = TinyDecoders.ExpectedTokens(all);
        var logp = TinyDecoders.ExpectedNumbers(all, "sumLogProb");
        const int n = 4000;
        var result = Run("whisper_split", Sampling(3, n, seed: 11));
        var counts = result.Sequences[0].GroupBy(s => string.Join(",", s.Tokens)).ToDictionary(g => g.Key, g => g.Count());
        for (int i = 0; i < 5; i++)
        {
            double p = Math.Exp(logp[i]);
            double sigma = Math.Sqrt(p * (1 - p) / n);
            double freq = counts.GetValueOrDefault(string.Join(",", tokens[i])) / (double)n;
            Assert.InRange(freq, p - (4 * sigma), p + (4 * sigma));
        }

        // Each sequence's score is its exact log-probability under the model.
        var byKey = tokens.Select((t, i) => (Key: string.Join(",", t), LogP: logp[i])).ToDictionary(x => x.Key, x => x.LogP);
        foreach (var s in result.Sequences[0].Take(50))
        {
            Assert.Equal(byKey[string.Join(",", s.Tokens)], s.SumLogProb, 4);
        }
    }

    [Fact]
    public void TopPKeepsTheSmallestSetOfLikelyTokensReachingP()
    {
        var sampler = new TokenSampler(1f, 0, 0.7f, seed: 1);
        float[] logits = [MathF.Log(0.5f), MathF.Log(0.3f), MathF.Log(0.15f), MathF.Log(0.05f)];
        var probs = new float[4];
        sampler.Distribution(logits, probs, new float[4]);
        Assert.Equal(0.5f / 0.8f, probs[0], 5);
        Assert.Equal(0.3f / 0.8f, probs[1], 5);
        Assert.Equal(0f, probs[2]);
        Assert.Equal(0f, probs[3]);
    }

    [Fact]
    public void TopKKeepsTheKMostLikelyTokens()
    {
        var sampler = new TokenSampler(1f, 2, 1f, seed: 1);
        float[] logits = [1f, 3f, 2f, 0f];
        var probs = new float[4];
        sampler.Distribution(logits, probs, new float[4]);
        Assert.Equal(0f, probs[0]);
        Assert.Equal(0f, probs[3]);
        Assert.Equal(1f / (1f + MathF.Exp(-1f)), probs[1], 5);
    }

    [Fact]
    public void TheKthLargestValueMatchesAFullSortForEveryK()
    {
        var rng = new Random(3);
        float[] values = [.. Enumerable.Range(0, 300).Select(_ => (float)rng.NextDouble())];
        float[] sorted = [.. values.OrderByDescending(v => v)];
        var heap = new float[300];
        foreach (int k in new[] { 1, 2, 7, 50, 299, 300 })
        {
            Assert.Equal(sorted[k - 1], TokenSampler.KthLargest(values, k, heap));
        }
    }
}

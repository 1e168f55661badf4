namespace Multimodal.Sdk.Tests.Generation;

public class GreedySearchTests
{
    private static GenerationResult Run(string contract, string caseName, Func<GenerationSettings, GenerationSettings>? tweak = null)
    {
        var c = TinyDecoders.Case(caseName);
        using var decoder = TinyDecoders.Open(contract);
        using var request = TinyDecoders.For(contract, TinyDecoders.Prompt(c));
        var settings = TinyDecoders.Settings(c);
        return GenerationEngine.Generate(decoder, request.Value, tweak is null ? settings : tweak(settings));
    }

    [Fact]
    public void GreedyDecodingGivesTheBruteForceTokensAndLogProbability()
    {
        var c = TinyDecoders.Case("greedy");
        var result = Run("merged", "greedy");
        Assert.Equal(TinyDecoders.ExpectedTokens(c)[0], result.First.Tokens);
        Assert.Equal(TinyDecoders.ExpectedNumbers(c, "sumLogProb")[0], result.First.SumLogProb, 4);
        Assert.False(result.First.EndedWithEos);
    }

    [Theory]
    [MemberData(nameof(ContractNames))]
    public void EveryDecoderContractGivesTheSameGreedyTokens(string contract)
    {
        var c = TinyDecoders.Case("greedy");
        var result = Run(contract, "greedy");
        Assert.Equal(TinyDecoders.ExpectedTokens(c)[0], result.First.Tokens);
        Assert.Equal(TinyDecoders.ExpectedNumbers(c, "sumLogProb")[0], result.First.SumLogProb, 4);
    }

    [Theory]
    [MemberData(nameof(ContractNames))]
    public void ForcedPromptTokensAreFedInTheFirstStepOnEveryContract(string contract)
    {
        var c = TinyDecoders.Case("forced_prompt");
        Assert.Equal(TinyDecoders.ExpectedTokens(c)[0], Run(contract, "forced_prompt").First.Tokens);
    }

    [Fact]
    public void AnEosTokenEndsTheSequenceAndIsItsLastToken()
    {
        var c = TinyDecoders.Case("greedy_eos");
        var result = Run("merged", "greedy_eos");
        Assert.Equal(TinyDecoders.ExpectedTokens(c)[0], result.First.Tokens);
        Assert.True(result.First.EndedWithEos);
        Assert.True(result.First.Tokens.Length < TinyDecoders.ExpectedTokens(TinyDecoders.Case("greedy"))[0].Length);
    }

    [Fact]
    public void AnyOfSeveralEosTokensEndsTheSequence()
    {
        var c = TinyDecoders.Case("greedy_two_eos");
        var result = Run("split", "greedy_two_eos");
        Assert.Equal(TinyDecoders.ExpectedTokens(c)[0], result.First.Tokens);
        Assert.True(result.First.EndedWithEos);
    }

    [Fact]
    public void MaxNewTokensCutsTheSequenceAtThatLength()
    {
        var full = TinyDecoders.ExpectedTokens(TinyDecoders.Case("greedy"))[0];
        var result = Run("whisper_merged", "greedy", s => s with { MaxNewTokens = 4 });
        Assert.Equal(full[..4], result.First.Tokens);
    }

    [Fact]
    public void RepetitionPenaltyChangesTheOutputAsTheReferencePredicts()
    {
        var c = TinyDecoders.Case("repetition_penalty");
        var result = Run("merged", "repetition_penalty");
        Assert.Equal(TinyDecoders.ExpectedTokens(c)[0], result.First.Tokens);
        Assert.NotEqual(TinyDecoders.ExpectedTokens(TinyDecoders.Case("greedy"))[0], result.First.Tokens);
        Assert.Equal(TinyDecoders.ExpectedNumbers(c, "sumLogProb")[0], result.First.SumLogProb, 4);
    }

    [Fact]
    public void NoRepeatNgramChangesTheOutputAndNoNgramOccursTwice()
    {
        var c = TinyDecoders.Case("no_repeat_ngram");
        var result = Run("split", "no_repeat_ngram");
        Assert.Equal(TinyDecoders.ExpectedTokens(c)[0], result.First.Tokens);
        Assert.NotEqual(TinyDecoders.ExpectedTokens(TinyDecoders.Case("greedy"))[0], result.First.Tokens);
        int[] seq = [.. TinyDecoders.Prompt(c), .. result.First.Tokens];
        var bigrams = Enumerable.Range(0, seq.Length - 1).Select(i => (seq[i], seq[i + 1])).ToList();
        Assert.Equal(bigrams.Count, bigrams.Distinct().Count());
    }

    [Theory]
    [InlineData("merged")]
    [InlineData("whisper_split")]
    [InlineData("embeds")]
    public void ABatchOfTwoInputsGivesEachInputItsOwnGreedySequence(string contract)
    {
        var c = TinyDecoders.Case("greedy");
        using var decoder = TinyDecoders.Open(contract);
        using var request = TinyDecoders.For(contract, [0], "encoderA", "encoderB");
        var result = GenerationEngine.Generate(decoder, request.Value, TinyDecoders.Settings(c));
        Assert.Equal(TinyDecoders.ExpectedTokens(c)[0], result.Sequences[0][0].Tokens);
        Assert.Equal(TinyDecoders.ExpectedTokens(TinyDecoders.Case("batch_b"))[0], result.Sequences[1][0].Tokens);
    }

    [Fact]
    public void InABatchARowThatMetEosStopsWhileTheOtherGoesOn()
    {
        // Input B's greedy sequence starts with token 2, input A's is 6 3 2 ...; with eos = 2, B ends at once and
        // A must still finish correctly while B's row is fed the pad token.
        var c = TinyDecoders.Case("greedy_eos");
        Assert.Equal(2, TinyDecoders.ExpectedTokens(TinyDecoders.Case("batch_b"))[0][0]);
        using var decoder = TinyDecoders.Open("merged");
        using var request = TinyDecoders.For("merged", [0], "encoderA", "encoderB");
        var result = GenerationEngine.Generate(decoder, request.Value, TinyDecoders.Settings(c));
        Assert.Equal(TinyDecoders.ExpectedTokens(c)[0], result.Sequences[0][0].Tokens);
        Assert.Equal([2], result.Sequences[1][0].Tokens);
        Assert.True(result.Sequences[1][0].EndedWithEos);
    }

    [Fact]
    public void GreedyEqualsBeamSearchWithOneBeamEqualsSamplingWithTopKOne()
    {
        var c = TinyDecoders.Case("greedy");
        var settings = TinyDecoders.Settings(c);
        using var decoder = TinyDecoders.Open("merged");
        using var request = TinyDecoders.For("merged", [0]);
        var greedy = GenerationEngine.Generate(decoder, request.Value, settings).First;
        using var beam = new BeamSearch(decoder, request.Value, settings);
        var oneBeam = beam.Run(CancellationToken.None).First;
        var topK1 = GenerationEngine.Generate(decoder, request.Value, settings with { DoSample = true, TopK = 1, Seed = 123 }).First;
        Assert.Equal(TinyDecoders.ExpectedTokens(c)[0], greedy.Tokens);
        Assert.Equal(greedy.Tokens, oneBeam.Tokens);
        Assert.Equal(greedy.Tokens, topK1.Tokens);
        Assert.Equal(greedy.SumLogProb, oneBeam.SumLogProb, 4);
        Assert.Equal(greedy.SumLogProb, topK1.SumLogProb, 4);
    }

    public static TheoryData<string> ContractNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in TinyDecoders.Contracts)
        {
            data.Add(c);
        }

        return data;
    }
}

namespace Multimodal.Sdk.Tests.Generation;

public class BeamSearchTests
{
    private static GenerationResult Run(string contract, string caseName)
    {
        var c = TinyDecoders.Case(caseName);
        using var decoder = TinyDecoders.Open(contract);
        using var request = TinyDecoders.For(contract, TinyDecoders.Prompt(c));
        return GenerationEngine.Generate(decoder, request.Value, TinyDecoders.Settings(c));
    }

    private static void AssertMatchesReference(string caseName, GenerationResult result)
    {
        var c = TinyDecoders.Case(caseName);
        var tokens = TinyDecoders.ExpectedTokens(c);
        var scores = TinyDecoders.ExpectedNumbers(c, "score");
        var sums = TinyDecoders.ExpectedNumbers(c, "sumLogProb");
        var actual = result.Sequences[0];
        Assert.Equal(tokens.Length, actual.Count);
        for (int i = 0; i < tokens.Length; i++)
        {
            Assert.Equal(tokens[i], actual[i].Tokens);
            Assert.Equal(scores[i], actual[i].Score, 4);
            Assert.Equal(sums[i], actual[i].SumLogProb, 4);
        }
    }

    [Theory]
    [MemberData(nameof(GreedySearchTests.ContractNames), MemberType = typeof(GreedySearchTests))]
    public void BeamSearchWithReorderedCachesGivesTheReferenceHypothesesOnEveryContract(string contract)
    {
        var result = Run(contract, "beam");
        AssertMatchesReference("beam", result);

        // Some hypotheses end with eos, others ran to the length limit: both paths of the scorer are exercised.
        Assert.Contains(result.Sequences[0], s => s.EndedWithEos);
        Assert.Contains(result.Sequences[0], s => !s.EndedWithEos);
    }

    [Fact]
    public void EarlyStoppingEndsAsSoonAsEnoughHypothesesAreFinished() =>
        AssertMatchesReference("beam_early", Run("whisper_merged", "beam_early"));

    [Fact]
    public void LengthPenaltyDividesTheSumByTheLengthToItsPower() =>
        AssertMatchesReference("beam_lp2", Run("split", "beam_lp2"));

    [Theory]
    [InlineData("merged")]
    [InlineData("whisper_split")]
    public void SixtyFourBeamsFindTheExactBestSequencesOfTheWholeSearchSpace(string contract)
    {
        // 64 beams over a vocabulary of 8 for 3 tokens cover all 512 sequences, so the answer is the exhaustive top 5.
        AssertMatchesReference("beam_exhaustive", Run(contract, "beam_exhaustive"));
    }

    [Fact]
    public void ABatchOfTwoInputsRunsAllBeamsTogetherAndKeepsEachInputsAnswer()
    {
        var c = TinyDecoders.Case("beam");
        using var decoder = TinyDecoders.Open("merged");
        using var both = TinyDecoders.For("merged", [0], "encoderA", "encoderB");
        using var onlyB = TinyDecoders.For("merged", [0], "encoderB");
        var batch = GenerationEngine.Generate(decoder, both.Value, TinyDecoders.Settings(c));
        var single = GenerationEngine.Generate(decoder, onlyB.Value, TinyDecoders.Settings(c));
        AssertMatchesReference("beam", new GenerationResult([batch.Sequences[0]]));
        Assert.Equal(single.Sequences[0].Select(s => s.Tokens), batch.Sequences[1].Select(s => s.Tokens));
    }
}

namespace Multimodal.Sdk.Evaluation.Tests.Speech;

public class ErrorRateTests
{
    [Fact]
    public void OneSubstitutionInTwoWordsIsHalf()
    {
        var result = ErrorRate.Wer("hello world", "hello duck");
        Assert.Equal(0.5, result.Rate);
        Assert.Equal((1, 1, 0, 0), (result.Hits, result.Substitutions, result.Deletions, result.Insertions));
        Assert.Equal(
            [new AlignmentChunk(EditKind.Equal, 0, 1, 0, 1), new AlignmentChunk(EditKind.Substitute, 1, 2, 1, 2)],
            result.Utterances[0].Alignment);
    }

    [Fact]
    public void EmptyReferenceAndEmptyHypothesisIsZero() => Assert.Equal(0.0, ErrorRate.Wer(string.Empty, string.Empty).Rate);

    [Fact]
    public void EmptyReferenceWithWordsInTheHypothesisIsOneNotInfiniteAndCountsInsertions()
    {
        var result = ErrorRate.Wer("  ", "uh hm");
        Assert.Equal(1.0, result.Rate);
        Assert.Equal(2, result.Insertions);
    }

    [Fact]
    public void EmptyReferenceAddsItsInsertionsToTheCorpusNumeratorOnly()
    {
        // (0 + 2 insertions) / (2 reference words + 0) = 1.
        Assert.Equal(1.0, ErrorRate.Wer(["hello world", string.Empty], ["hello world", "uh hm"]).Rate);
    }

    [Fact]
    public void CorpusRateSumsErrorsBeforeDividing()
    {
        // 1 substitution + 1 insertion over 2 + 3 reference words = 2 / 5.
        var result = ErrorRate.Wer(["hello world", "the cat sat"], ["hello duck", "the cat sat down"]);
        Assert.Equal(0.4, result.Rate);
        Assert.Equal((4, 1, 0, 1), (result.Hits, result.Substitutions, result.Deletions, result.Insertions));
        Assert.Equal(1.0 / 3.0, result.Utterances[1].Rate);
        Assert.Equal(new AlignmentChunk(EditKind.Insert, 3, 3, 3, 4), result.Utterances[1].Alignment[^1]);
    }

    [Fact]
    public void DeletionIsCountedOnTheReferenceSide()
    {
        var result = ErrorRate.Wer("the cat sat", "cat sat");
        Assert.Equal((2, 0, 1, 0), (result.Hits, result.Substitutions, result.Deletions, result.Insertions));
        Assert.Equal(new AlignmentChunk(EditKind.Delete, 0, 1, 0, 0), result.Utterances[0].Alignment[0]);
    }

    [Fact]
    public void TiedAlignmentsAreBrokenLikeRapidfuzz()
    {
        // "a b" -> "b a" costs 2 either as two substitutions or as insert b, keep a, delete b. Walking back like
        // rapidfuzz: at (2, 2) the cell (2) is one more than the cell above (1): delete "b"; at (1, 2) neither rule
        // for delete / insert fires one step back, so the diagonal matches "a" with "a"; the leftover "b" is inserted.
        var result = ErrorRate.Wer("a b", "b a");
        Assert.Equal(1.0, result.Rate);
        Assert.Equal((1, 0, 1, 1), (result.Hits, result.Substitutions, result.Deletions, result.Insertions));
        Assert.Equal(
            [new AlignmentChunk(EditKind.Insert, 0, 0, 0, 1), new AlignmentChunk(EditKind.Equal, 0, 1, 1, 2), new AlignmentChunk(EditKind.Delete, 1, 2, 2, 2)],
            result.Utterances[0].Alignment);
    }

    [Fact]
    public void CharacterErrorRateCountsSpacesAsCharacters()
    {
        Assert.Equal(1.0 / 3.0, ErrorRate.Cer("abc", "abd").Rate);
        Assert.Equal(0.25, ErrorRate.Cer("ab c", "abc").Rate); // 4 reference characters, the space deleted
    }

    [Fact]
    public void WordsAreSplitLikeJiwerDefaultTransform()
    {
        var result = ErrorRate.Wer("  hello   world ", "hello world");
        Assert.Equal(["hello", "world"], result.Utterances[0].Reference);
        Assert.Equal(0.0, result.Rate);
    }

    [Fact]
    public void CorpusMatchesTheReferenceScriptExactly()
    {
        var asr = Fixture.Load("asr.json");
        var expected = Fixture.Load("asr_reference.json");
        string[] refs = Fixture.Strings(asr.GetProperty("references"));
        string[] hyps = Fixture.Strings(asr.GetProperty("hypotheses"));

        var wer = ErrorRate.Wer(refs, hyps);
        Assert.Equal(expected.GetProperty("wer").GetDouble(), wer.Rate);
        Assert.Equal(expected.GetProperty("wer_reference_words").GetInt32(), wer.ReferenceLength);
        Assert.Equal(expected.GetProperty("wer_errors").GetInt32(), wer.Substitutions + wer.Deletions + wer.Insertions);
        Assert.Equal(Fixture.Doubles(expected.GetProperty("per_utterance_wer")), wer.Utterances.Select(u => u.Rate));

        var cer = ErrorRate.Cer(refs, hyps);
        Assert.Equal(expected.GetProperty("cer").GetDouble(), cer.Rate);
        Assert.Equal(expected.GetProperty("cer_reference_chars").GetInt32(), cer.ReferenceLength);
        Assert.Equal(Fixture.Doubles(expected.GetProperty("per_utterance_cer")), cer.Utterances.Select(u => u.Rate));
    }

    [Fact]
    public void NormalizerMakesCasePunctuationAndDigitsIrrelevant()
    {
        Assert.Equal(0.0, ErrorRate.Wer("Hello, World! I'm 42.", "hello world i'm forty two", EnglishTextNormalizer.Normalize).Rate);
    }

    [Theory]
    [InlineData("Hello, World!", "hello world")]
    [InlineData("It's 1,250 dollars.", "it's one thousand two hundred fifty dollars")]
    [InlineData("the 3rd of May", "the third of may")]
    [InlineData("21st century", "twenty first century")]
    [InlineData("pi is 3.14", "pi is three point one four")]
    [InlineData("50% off", "fifty percent off")]
    [InlineData("105", "one hundred five")]
    [InlineData("2,000,000 people", "two million people")]
    [InlineData("well-known   'quote'", "well known quote")]
    public void EnglishNormalizerSpellsOutNumbersAndDropsPunctuation(string input, string expected) =>
        Assert.Equal(expected, EnglishTextNormalizer.Normalize(input));

    [Fact]
    public void MismatchedCountsAreRejected() =>
        Assert.Throws<ArgumentException>(() => ErrorRate.Wer(["a", "b"], ["a"]));
}

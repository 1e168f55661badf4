namespace Multimodal.Sdk.Evaluation.Tests.Captioning;

public class MeteorTests
{
    private static readonly MeteorScorer MiniWordNet = new(new MeteorOptions { WordNetDirectory = RepoPaths.Fixtures("Evaluation", "wordnet-mini") });

    [Fact]
    public void IdenticalCaptionScoresOne() => Assert.Equal(1.0, MiniWordNet.Score("a cat sat", ["a cat sat"]));

    [Fact]
    public void HandWorkedExactMatchesWithTwoChunks()
    {
        // test "the cat sat on the mat", ref "the cat is on the mat": 5 exact matches in 2 chunks (the cat | on the mat).
        // P = R = 5/6 (delta cancels without function words), Fmean = 5/6, frag = 2 / 5,
        // score = 5/6 * (1 - 0.6 * 0.4^0.2).
        double expected = 5.0 / 6.0 * (1 - (0.6 * Math.Pow(0.4, 0.2)));
        Assert.Equal(expected, MiniWordNet.Score("the cat sat on the mat", ["the cat is on the mat"]), 12);
    }

    [Fact]
    public void SynonymMatchCountsWithWeightPointEight()
    {
        // "sofa" ~ "couch" share a WordNet synset: 4 exact + 1 synonym in one chunk covering both sentences, so no
        // fragmentation penalty; P = R = (4 + 0.8) / 5 = 0.96.
        Assert.Equal(0.96, MiniWordNet.Score("a cat on a sofa", ["a cat on a couch"]), 12);
    }

    [Fact]
    public void StemMatchCountsWithWeightPointSix()
    {
        // "dogs" and "dog" share the Porter2 stem "dog": 2 exact + 1 stem in one full chunk, P = R = 2.6 / 3.
        Assert.Equal(2.6 / 3.0, MiniWordNet.Score("two dogs run", ["two dog run"]), 12);
    }

    [Fact]
    public void IrregularFormsReachSynonymsThroughTheWordNetExceptionList()
    {
        // Porter2 leaves "men" alone, so there is no stem match; noun.exc maps "men" to "man", whose synsets it then
        // shares with "man": 2 exact + 1 synonym match in one full chunk, P = R = (2 + 0.8) / 3.
        Assert.Equal(2.8 / 3.0, MiniWordNet.Score("two men run", ["two man run"]), 12);
    }

    [Fact]
    public void RegularInflectionsReachSynonymsThroughMeteorsSuffixRules()
    {
        // "sofas" is in no exception list; METEOR's morph rules strip "s" to the lemma "sofa", which shares a synset
        // with "couch". Porter2 stems differ ("sofa" vs "couch"), so it is a synonym match: P = R = (2 + 0.8) / 3.
        Assert.Equal(2.8 / 3.0, MiniWordNet.Score("two sofas here", ["two couch here"]), 12);
    }

    [Fact]
    public void EmptyHypothesisScoresZero() =>
        // P = 0 / 0 is NaN in METEOR's arithmetic, which it reports as 0.
        Assert.Equal(0.0, MiniWordNet.Score(string.Empty, ["a cat"]));

    [Fact]
    public void BestReferenceIsKept() =>
        Assert.Equal(1.0, MiniWordNet.Score("a dog", ["a cat", "a dog"]));

    [Fact]
    public void SnowballStemmerAgreesWithNltk()
    {
        foreach (var p in Fixture.Load("caption_reference.json").GetProperty("snowball_stems").EnumerateObject())
        {
            Assert.True(p.Value.GetString() == EnglishStemmer.Stem(p.Name), $"{p.Name}: expected {p.Value.GetString()}, got {EnglishStemmer.Stem(p.Name)}");
        }
    }

    [Theory]
    [InlineData("realization", "realiz")] // nltk: "realize"
    [InlineData("sensationally", "sensat")] // nltk: "sensate"
    [InlineData("splated", "splate")] // nltk: "splat"
    public void SnowballRegionsStayWhereTheOriginalWordPutThem(string word, string stem)
    {
        // Snowball marks R1 / R2 as positions in the original word; a suffix replacement does not move them.
        // nltk re-derives region strings after each replacement and so strips one more "e" / letter in these 33 of
        // 212,159 WordNet-derived words; METEOR's Java stemmer is generated from the Snowball definition.
        Assert.Equal(stem, EnglishStemmer.Stem(word));
    }

    [Fact]
    public void CorpusMeteorIsReportedWhenAScorerIsGiven()
    {
        var (predictions, references) = CaptionMetricsTests.LoadCaptions();
        var scores = CaptionMetrics.Compute(predictions, references, new CaptionMetricsOptions { Meteor = MiniWordNet });
        Assert.NotNull(scores.Meteor);
        Assert.InRange(scores.Meteor!.Value, 0.0, 1.0);
        Assert.All(scores.PerImage.Values, s => Assert.NotNull(s.Meteor));
    }

    [Fact]
    public void MissingWordNetFolderIsReported() =>
        Assert.Throws<DirectoryNotFoundException>(() => new MeteorScorer(new MeteorOptions { WordNetDirectory = "/no/such/wordnet" }));
}

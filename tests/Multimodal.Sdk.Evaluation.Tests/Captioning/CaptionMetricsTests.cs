namespace Multimodal.Sdk.Evaluation.Tests.Captioning;

public class CaptionMetricsTests
{
    private const double Tolerance = 1e-6;

    [Fact]
    public void HandWorkedBleuAndRougeForOneCaption()
    {
        // hyp "the cat sat on the mat" vs ref "the cat is on the mat" (6 words each, brevity penalty ~1):
        // 1-grams 5/6 clipped matches, 2-grams 3/5, 3-grams 1/4, 4-grams 0/3.
        // BLEU-1 = 5/6; BLEU-2 = sqrt(5/6 * 3/5) = sqrt(1/2); BLEU-3 = (5/6 * 3/5 * 1/4)^(1/3) = 0.5;
        // BLEU-4 is not 0 but ~8e-5 because pycocoevalcap adds 1e-15 to the zero count.
        // ROUGE-L: LCS "the cat on the mat" = 5, P = R = 5/6, F(beta 1.2) = 5/6.
        var scores = CaptionMetrics.Compute(
            new Dictionary<string, string> { ["a"] = "The cat sat on the mat." },
            new Dictionary<string, IReadOnlyList<string>> { ["a"] = ["The cat is on the mat."] });
        Assert.Equal(5.0 / 6.0, scores.Bleu1, Tolerance);
        Assert.Equal(Math.Sqrt(0.5), scores.Bleu2, Tolerance);
        Assert.Equal(0.5, scores.Bleu3, Tolerance);
        Assert.InRange(scores.Bleu4, 1e-5, 1e-4);
        Assert.Equal(5.0 / 6.0, scores.RougeL, Tolerance);
        Assert.Null(scores.Meteor);
    }

    [Fact]
    public void BrevityPenaltyUsesTheClosestReferenceLengthWithTiesToTheShorter()
    {
        // 4-word hypothesis, references of 3 and 5 words: both 1 away, the shorter (3) wins, so no penalty and
        // BLEU-1 = clipped matches / 4 = 3/4 ("a b c" matched, "d" not).
        var scores = CaptionMetrics.Compute(
            new Dictionary<string, string> { ["x"] = "a b c d" },
            new Dictionary<string, IReadOnlyList<string>> { ["x"] = ["a b c", "a b c e f"] },
            new CaptionMetricsOptions { Tokenize = false });
        Assert.Equal(0.75, scores.Bleu1, Tolerance);
    }

    [Fact]
    public void SingleImageSetGivesZeroCiderBecauseEveryIdfIsZero()
    {
        // log(N = 1) - log(df = 1) = 0 for every n-gram; pycocoevalcap divides 0 by 0 here (NaN), CIDEr-D's 0 is kept.
        var scores = CaptionMetrics.Compute(
            new Dictionary<string, string> { ["a"] = "a dog" },
            new Dictionary<string, IReadOnlyList<string>> { ["a"] = ["a dog"] });
        Assert.Equal(0.0, scores.CiderD);
    }

    [Fact]
    public void FixtureScoresEqualThePycocoevalcapAlgorithmsWithinOneMillionth()
    {
        var (predictions, references) = LoadCaptions();
        var expected = Fixture.Load("caption_reference.json");
        var scores = CaptionMetrics.Compute(predictions, references);

        double[] bleu = Fixture.Doubles(expected.GetProperty("bleu"));
        Assert.Equal(bleu[0], scores.Bleu1, Tolerance);
        Assert.Equal(bleu[1], scores.Bleu2, Tolerance);
        Assert.Equal(bleu[2], scores.Bleu3, Tolerance);
        Assert.Equal(bleu[3], scores.Bleu4, Tolerance);
        Assert.Equal(expected.GetProperty("rouge_l").GetDouble(), scores.RougeL, Tolerance);
        Assert.Equal(expected.GetProperty("cider_d").GetDouble(), scores.CiderD, Tolerance);

        string[] ids = Fixture.Strings(expected.GetProperty("ids"));
        double[] rouge = Fixture.Doubles(expected.GetProperty("rouge_l_per_image"));
        double[] cider = Fixture.Doubles(expected.GetProperty("cider_d_per_image"));
        for (int i = 0; i < ids.Length; i++)
        {
            Assert.Equal(rouge[i], scores.PerImage[ids[i]].RougeL, Tolerance);
            Assert.Equal(cider[i], scores.PerImage[ids[i]].CiderD, Tolerance);
        }
    }

    [Fact]
    public void FixtureBleuAgreesWithNltkCorpusBleu()
    {
        // nltk differs only by pycocoevalcap's 1e-15 / 1e-9 constants, negligible when every order has matches.
        var (predictions, references) = LoadCaptions();
        double[] nltk = Fixture.Doubles(Fixture.Load("caption_reference.json").GetProperty("nltk_corpus_bleu"));
        var scores = CaptionMetrics.Compute(predictions, references);
        Assert.Equal(nltk, [scores.Bleu1, scores.Bleu2, scores.Bleu3, scores.Bleu4], (a, b) => Math.Abs(a - b) < Tolerance);
    }

    [Fact]
    public void CaptionsShorterThanFourWordsScoreLikeTheGuardedCiderDWherePycocoevalcapGivesNaN()
    {
        var shortCaptions = Fixture.Load("caption_reference.json").GetProperty("short_captions");
        Assert.Equal("nan", shortCaptions.GetProperty("pycocoevalcap_cider_d").GetString());
        var items = shortCaptions.GetProperty("items").EnumerateArray().ToArray();
        var predictions = new Dictionary<string, string>();
        var references = new Dictionary<string, IReadOnlyList<string>>();
        for (int i = 0; i < items.Length; i++)
        {
            predictions[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = items[i][0].GetString()!;
            references[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Fixture.Strings(items[i][1]);
        }

        var scores = CaptionMetrics.Compute(predictions, references, new CaptionMetricsOptions { Tokenize = false });
        double[] expected = Fixture.Doubles(shortCaptions.GetProperty("guarded_cider_d_per_image"));
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], scores.PerImage[i.ToString(System.Globalization.CultureInfo.InvariantCulture)].CiderD, Tolerance);
        }
    }

    [Fact]
    public void MismatchedIdsAreRejected() =>
        Assert.Throws<ArgumentException>(() => CaptionMetrics.Compute(
            new Dictionary<string, string> { ["a"] = "x" },
            new Dictionary<string, IReadOnlyList<string>> { ["b"] = ["x"] }));

    [Fact]
    public void EmptyReferenceSetIsRejected() =>
        Assert.Throws<ArgumentException>(() => CaptionMetrics.Compute(
            new Dictionary<string, string> { ["a"] = "x" },
            new Dictionary<string, IReadOnlyList<string>> { ["a"] = [] }));

    internal static (Dictionary<string, string> Predictions, Dictionary<string, IReadOnlyList<string>> References) LoadCaptions()
    {
        var images = Fixture.Load("captions.json").GetProperty("images").EnumerateArray().ToList();
        return (
            images.ToDictionary(i => i.GetProperty("id").GetString()!, i => i.GetProperty("prediction").GetString()!),
            images.ToDictionary(i => i.GetProperty("id").GetString()!, i => (IReadOnlyList<string>)Fixture.Strings(i.GetProperty("references"))));
    }
}

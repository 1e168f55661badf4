namespace Multimodal.Sdk.Evaluation.Tests.Vqa;

public class VqaAccuracyTests
{
    [Fact]
    public void ThreeMatchingHumansOutOfTenGiveNinetyPercent()
    {
        // 3 of 10 humans said "cat". Leaving out one of those 3 leaves 2 matches (2/3); leaving out one of the other
        // 7 leaves 3 matches (1). Mean = (3 * 2/3 + 7 * 1) / 10 = 0.9.
        string[] humans = ["cat", "cat", "cat", "dog", "dog", "dog", "dog", "dog", "dog", "dog"];
        Assert.Equal(0.9, VqaAccuracy.Score("cat", humans), 12);
    }

    [Fact]
    public void OneMatchingHumanGivesThirtyPercent()
    {
        // Leaving out the single matching human: 0; any other: 1/3. Mean = 9 * (1/3) / 10 = 0.3.
        string[] humans = ["cat", "dog", "dog", "dog", "dog", "dog", "dog", "dog", "dog", "dog"];
        Assert.Equal(0.3, VqaAccuracy.Score("cat", humans), 12);
    }

    [Theory]
    [InlineData("Two", "2")]
    [InlineData("the dog.", "dog")]
    [InlineData("dont", "don't")]
    [InlineData("3.5", "3.5")]
    [InlineData("a, b", "b")]
    public void AnswersAreNormalizedLikeVqaEval(string raw, string expected) =>
        Assert.Equal(expected, VqaAnswerNormalizer.Normalize(raw));

    [Fact]
    public void NormalizationMatchesTheOfficialCodeOnEveryFixtureCase()
    {
        var expected = Fixture.Load("vqa_reference.json").GetProperty("normalization_cases");
        foreach (var p in expected.EnumerateObject())
        {
            Assert.Equal(p.Value.GetString(), VqaAnswerNormalizer.Normalize(p.Name));
        }
    }

    [Fact]
    public void AccuraciesEqualTheOfficialScriptExactly()
    {
        var data = Fixture.Load("vqa.json");
        var expected = Fixture.Load("vqa_reference.json");
        var annotations = data.GetProperty("annotations").EnumerateArray().Select(a => new VqaAnnotation(
            a.GetProperty("question_id").GetString()!,
            Fixture.Strings(a.GetProperty("answers")),
            a.GetProperty("question_type").GetString()!,
            a.GetProperty("answer_type").GetString()!)).ToList();
        var predictions = data.GetProperty("predictions").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);

        var scores = VqaAccuracy.Compute(predictions, annotations);

        Assert.Equal(expected.GetProperty("overall").GetDouble(), scores.Overall);
        Assert.Equal(expected.GetProperty("overall_rounded").GetDouble(), Math.Round(scores.Overall, 2));
        foreach (var p in expected.GetProperty("per_question_type").EnumerateObject())
        {
            Assert.Equal(p.Value.GetDouble(), scores.PerQuestionType[p.Name]);
        }

        foreach (var p in expected.GetProperty("per_answer_type").EnumerateObject())
        {
            Assert.Equal(p.Value.GetDouble(), scores.PerAnswerType[p.Name]);
        }

        foreach (var p in expected.GetProperty("per_question").EnumerateObject())
        {
            Assert.Equal(p.Value.GetDouble(), scores.PerQuestion[p.Name]);
        }
    }

    [Fact]
    public void GroundTruthIsOnlyPunctuationProcessedAsInTheOfficialCode()
    {
        // All ten humans wrote "Two": they agree, so the official code leaves them untouched, and the normalized
        // prediction "2" matches none of them.
        string[] humans = [.. Enumerable.Repeat("Two", 10)];
        Assert.Equal(0.0, VqaAccuracy.Score("two", humans));
        Assert.Equal(1.0, VqaAccuracy.Score("two", humans, normalizeReferences: true));
    }

    [Fact]
    public void MissingPredictionIsRejected() =>
        Assert.Throws<ArgumentException>(() => VqaAccuracy.Compute(new Dictionary<string, string>(), [new VqaAnnotation("1", ["yes"])]));

    [Fact]
    public void PredictionWithoutAnnotationIsRejected() =>
        Assert.Throws<ArgumentException>(() => VqaAccuracy.Compute(
            new Dictionary<string, string> { ["1"] = "yes", ["2"] = "no" }, [new VqaAnnotation("1", ["yes"])]));

    [Fact]
    public void QuestionWithoutHumanAnswersIsRejected() =>
        Assert.Throws<ArgumentException>(() => VqaAccuracy.Score("yes", []));
}

namespace Multimodal.Sdk.Evaluation.Tests.Retrieval;

public class RetrievalMetricsTests
{
    [Fact]
    public void HandWorkedRanksGiveRecallMedianAndMap()
    {
        // Query 0: relevant {1}; scores 0.9, 0.8, 0.1 -> item 1 ranks 2. AP = 1/2.
        // Query 1: relevant {0, 2}; scores 0.7, 0.2, 0.5 -> ranks 1 and 2. AP = (1/1 + 2/2) / 2 = 1.
        double[,] sim = { { 0.9, 0.8, 0.1 }, { 0.7, 0.2, 0.5 } };
        var scores = RetrievalMetrics.Compute(sim, [[1], [0, 2]]);
        Assert.Equal([2, 1], scores.FirstRelevantRanks);
        Assert.Equal(50.0, scores.RecallAt1);
        Assert.Equal(100.0, scores.RecallAt5);
        Assert.Equal(1.0, scores.MedianRank); // 0-based ranks {1, 0}: median 0.5, floor 0, plus 1
        Assert.Equal(1.5, scores.MeanRank);
        Assert.Equal(75.0, scores.MeanAveragePrecision);
    }

    [Fact]
    public void TiesAreBrokenByColumnOrderLikeAStableSort()
    {
        double[,] sim = { { 0.5, 0.5, 0.5 } };
        Assert.Equal([3], RetrievalMetrics.Compute(sim, [[2]]).FirstRelevantRanks);
    }

    [Fact]
    public void BothDirectionsMatchTheReferenceScript()
    {
        var data = Fixture.Load("retrieval_reference.json");
        var rows = data.GetProperty("similarity").EnumerateArray().Select(Fixture.Doubles).ToArray();
        var sim = new double[rows.Length, rows[0].Length];
        for (int i = 0; i < rows.Length; i++)
        {
            for (int j = 0; j < rows[0].Length; j++)
            {
                sim[i, j] = rows[i][j];
            }
        }

        int[] imageOfText = [.. data.GetProperty("image_of_text").EnumerateArray().Select(e => e.GetInt32())];
        var scores = RetrievalMetrics.Evaluate(sim, imageOfText);
        AssertEqual(data.GetProperty("text_to_image"), scores.TextToImage);
        AssertEqual(data.GetProperty("image_to_text"), scores.ImageToText);
    }

    [Fact]
    public void ImageWithoutTextIsRejected() =>
        Assert.Throws<ArgumentException>(() => RetrievalMetrics.Evaluate(new double[2, 3], [0, 1]));

    [Fact]
    public void NanSimilarityIsRejected() =>
        Assert.Throws<ArgumentException>(() => RetrievalMetrics.Compute(new double[,] { { double.NaN } }, [[0]]));

    private static void AssertEqual(System.Text.Json.JsonElement expected, RetrievalScores actual)
    {
        Assert.Equal(expected.GetProperty("r1").GetDouble(), actual.RecallAt1, 9);
        Assert.Equal(expected.GetProperty("r5").GetDouble(), actual.RecallAt5, 9);
        Assert.Equal(expected.GetProperty("r10").GetDouble(), actual.RecallAt10, 9);
        Assert.Equal(expected.GetProperty("medr").GetDouble(), actual.MedianRank);
        Assert.Equal(expected.GetProperty("meanr").GetDouble(), actual.MeanRank, 9);
        Assert.Equal(expected.GetProperty("map").GetDouble(), actual.MeanAveragePrecision, 9);
        Assert.Equal(expected.GetProperty("first_ranks").EnumerateArray().Select(e => e.GetInt32()), actual.FirstRelevantRanks);
    }
}

namespace Multimodal.Sdk;

/// <summary>Ranking quality of one retrieval direction. Recalls and mAP are in percent, as papers report them.</summary>
/// <param name="RecallAt1">Percentage of queries with a relevant item ranked first.</param>
/// <param name="RecallAt5">Percentage of queries with a relevant item in the top 5.</param>
/// <param name="RecallAt10">Percentage of queries with a relevant item in the top 10.</param>
/// <param name="MedianRank">Median 1-based rank of the first relevant item (VSE++ convention: floor of the median 0-based rank, plus 1).</param>
/// <param name="MeanRank">Mean 1-based rank of the first relevant item.</param>
/// <param name="MeanAveragePrecision">Mean over queries of average precision over all of the query's relevant items, in percent.</param>
/// <param name="FirstRelevantRanks">Each query's 1-based rank of its best-ranked relevant item.</param>
/// <remarks>Immutable (its collections are not modified after creation); safe to share between threads.</remarks>
public sealed record RetrievalScores(
    double RecallAt1,
    double RecallAt5,
    double RecallAt10,
    double MedianRank,
    double MeanRank,
    double MeanAveragePrecision,
    IReadOnlyList<int> FirstRelevantRanks)
{
    /// <summary>Gets the percentage of queries with a relevant item in the top <paramref name="k"/>.</summary>
    /// <param name="k">The cut-off, at least 1.</param>
    /// <returns>Recall@K in percent.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 1.</exception>
    public double RecallAt(int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        return 100.0 * FirstRelevantRanks.Count(r => r <= k) / FirstRelevantRanks.Count;
    }
}

/// <summary>Both directions of image-text retrieval.</summary>
/// <param name="TextToImage">Text queries ranking images.</param>
/// <param name="ImageToText">Image queries ranking texts.</param>
/// <remarks>Immutable (its collections are not modified after creation); safe to share between threads.</remarks>
public sealed record CrossModalRetrievalScores(RetrievalScores TextToImage, RetrievalScores ImageToText);

/// <summary>
/// Recall@K, median / mean rank and mAP from a similarity matrix, with any number of relevant items per query
/// (COCO / Flickr30k: five captions per image).
/// </summary>
/// <remarks>
/// A query's rank of an item is 1 + the number of items scored strictly higher + the number of items scored equally
/// that have a smaller column index (a stable descending sort), so ties never flatter a model more than a stable sort
/// would. NaN similarities are rejected. Stateless and safe for concurrent use.
/// </remarks>
public static class RetrievalMetrics
{
    /// <summary>Scores one retrieval direction.</summary>
    /// <param name="similarity">Scores, rows = queries, columns = candidates; higher is more similar.</param>
    /// <param name="relevant">For each query (row), the column indices of its relevant candidates; at least one each.</param>
    /// <returns>The scores.</returns>
    /// <exception cref="ArgumentNullException">An argument or element is null.</exception>
    /// <exception cref="ArgumentException">Shapes disagree, a query has no relevant item, an index is out of range, or a score is NaN.</exception>
    public static RetrievalScores Compute(double[,] similarity, IReadOnlyList<IReadOnlyCollection<int>> relevant)
    {
        ArgumentNullException.ThrowIfNull(similarity);
        ArgumentNullException.ThrowIfNull(relevant);
        int queries = similarity.GetLength(0), candidates = similarity.GetLength(1);
        if (queries == 0 || candidates == 0)
        {
            throw new ArgumentException("The similarity matrix is empty.", nameof(similarity));
        }

        if (relevant.Count != queries)
        {
            throw new ArgumentException($"The similarity matrix has {queries} query rows but {relevant.Count} relevance lists were given.", nameof(relevant));
        }

        var firstRanks = new int[queries];
        double apSum = 0;
        var row = new double[candidates];
        for (int q = 0; q < queries; q++)
        {
            for (int c = 0; c < candidates; c++)
            {
                row[c] = similarity[q, c];
                if (double.IsNaN(row[c]))
                {
                    throw new ArgumentException($"Similarity [{q}, {c}] is NaN.", nameof(similarity));
                }
            }

            var items = relevant[q] ?? throw new ArgumentNullException(nameof(relevant), $"Relevance list {q} is null.");
            var distinct = new HashSet<int>(items);
            if (distinct.Count == 0)
            {
                throw new ArgumentException($"Query {q} has no relevant item; every query needs at least one.", nameof(relevant));
            }

            var ranks = new List<int>(distinct.Count);
            foreach (int item in distinct)
            {
                if ((uint)item >= (uint)candidates)
                {
                    throw new ArgumentException($"Query {q} lists relevant item {item}, outside 0..{candidates - 1}.", nameof(relevant));
                }

                ranks.Add(Rank(row, item));
            }

            ranks.Sort();
            firstRanks[q] = ranks[0];

            // Average precision: precision at the rank of each relevant item, averaged over the relevant items.
            double ap = 0;
            for (int i = 0; i < ranks.Count; i++)
            {
                ap += (i + 1.0) / ranks[i];
            }

            apSum += ap / ranks.Count;
        }

        var sorted = firstRanks.Order().ToArray();
        double medianZeroBased = sorted.Length % 2 == 1
            ? sorted[sorted.Length / 2] - 1
            : ((sorted[(sorted.Length / 2) - 1] - 1) + (sorted[sorted.Length / 2] - 1)) / 2.0;
        var scores = new RetrievalScores(0, 0, 0, Math.Floor(medianZeroBased) + 1, firstRanks.Average(), 100.0 * apSum / queries, firstRanks);
        return scores with { RecallAt1 = scores.RecallAt(1), RecallAt5 = scores.RecallAt(5), RecallAt10 = scores.RecallAt(10) };
    }

    /// <summary>
    /// Scores text-to-image and image-to-text retrieval from a text-by-image similarity matrix where each text
    /// describes exactly one image (an image may have several texts).
    /// </summary>
    /// <param name="textImageSimilarity">Scores, rows = texts, columns = images.</param>
    /// <param name="imageOfText">For each text (row), the column index of the image it describes.</param>
    /// <returns>Both directions.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">Shapes disagree, an index is out of range, an image has no text, or a score is NaN.</exception>
    public static CrossModalRetrievalScores Evaluate(double[,] textImageSimilarity, IReadOnlyList<int> imageOfText)
    {
        ArgumentNullException.ThrowIfNull(textImageSimilarity);
        ArgumentNullException.ThrowIfNull(imageOfText);
        int texts = textImageSimilarity.GetLength(0), images = textImageSimilarity.GetLength(1);
        if (imageOfText.Count != texts)
        {
            throw new ArgumentException($"The similarity matrix has {texts} text rows but {imageOfText.Count} image indices were given.", nameof(imageOfText));
        }

        var textsOfImage = new List<int>[images];
        for (int i = 0; i < images; i++)
        {
            textsOfImage[i] = [];
        }

        var textRelevant = new IReadOnlyCollection<int>[texts];
        for (int t = 0; t < texts; t++)
        {
            int image = imageOfText[t];
            if ((uint)image >= (uint)images)
            {
                throw new ArgumentException($"Text {t} points at image {image}, outside 0..{images - 1}.", nameof(imageOfText));
            }

            textRelevant[t] = [image];
            textsOfImage[image].Add(t);
        }

        for (int i = 0; i < images; i++)
        {
            if (textsOfImage[i].Count == 0)
            {
                throw new ArgumentException($"Image {i} has no text describing it, so image-to-text retrieval is undefined for it.", nameof(imageOfText));
            }
        }

        var transposed = new double[images, texts];
        for (int t = 0; t < texts; t++)
        {
            for (int i = 0; i < images; i++)
            {
                transposed[i, t] = textImageSimilarity[t, i];
            }
        }

        return new CrossModalRetrievalScores(Compute(textImageSimilarity, textRelevant), Compute(transposed, textsOfImage));
    }

    private static int Rank(double[] row, int item)
    {
        double s = row[item];
        int rank = 1;
        for (int c = 0; c < row.Length; c++)
        {
            if (row[c] > s || (row[c] == s && c < item))
            {
                rank++;
            }
        }

        return rank;
    }
}

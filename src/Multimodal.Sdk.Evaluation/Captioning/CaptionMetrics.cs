namespace Multimodal.Sdk;

/// <summary>Per-call settings of <see cref="CaptionMetrics.Compute"/>.</summary>
/// <remarks>Mutable; not safe to change while a computation that uses it is running.</remarks>
public sealed class CaptionMetricsOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether captions are tokenized with <see cref="CaptionTokenizer"/> first, as
    /// pycocoevalcap does (default). Set to <see langword="false"/> when captions are already tokenized; they are then
    /// split on spaces.
    /// </summary>
    public bool Tokenize { get; set; } = true;

    /// <summary>Gets or sets the METEOR scorer; <see langword="null"/> (default) skips METEOR, which needs WordNet.</summary>
    public MeteorScorer? Meteor { get; set; }

    /// <summary>Creates a shallow copy.</summary>
    /// <returns>The copy.</returns>
    public CaptionMetricsOptions Clone() => new() { Tokenize = Tokenize, Meteor = Meteor };
}

/// <summary>One image's caption scores (BLEU is corpus-level only, as reported by pycocoevalcap).</summary>
/// <param name="RougeL">ROUGE-L of the image's caption.</param>
/// <param name="CiderD">CIDEr-D of the image's caption (IDF from the whole evaluated set).</param>
/// <param name="Meteor">METEOR of the image's caption, when computed.</param>
/// <remarks>Immutable (its collections are not modified after creation); safe to share between threads.</remarks>
public sealed record CaptionImageScores(double RougeL, double CiderD, double? Meteor);

/// <summary>
/// Corpus caption scores on pycocoevalcap's scales: BLEU, ROUGE-L and METEOR in [0, 1], CIDEr-D in [0, 10] (x10).
/// SPICE is not provided (it needs a scene-graph parser; see docs/evaluation.md).
/// </summary>
/// <param name="Bleu1">Corpus BLEU-1.</param>
/// <param name="Bleu2">Corpus BLEU-2.</param>
/// <param name="Bleu3">Corpus BLEU-3.</param>
/// <param name="Bleu4">Corpus BLEU-4.</param>
/// <param name="RougeL">Mean ROUGE-L.</param>
/// <param name="CiderD">Mean CIDEr-D.</param>
/// <param name="Meteor">Corpus METEOR (from summed statistics, as METEOR 1.5's EVAL does), or null when not requested.</param>
/// <param name="PerImage">Scores per image id.</param>
/// <remarks>Immutable (its collections are not modified after creation); safe to share between threads.</remarks>
public sealed record CaptionScores(
    double Bleu1,
    double Bleu2,
    double Bleu3,
    double Bleu4,
    double RougeL,
    double CiderD,
    double? Meteor,
    IReadOnlyDictionary<string, CaptionImageScores> PerImage);

/// <summary>
/// COCO caption metrics as pycocoevalcap computes them: PTB-style tokenization, BLEU-1..4, ROUGE-L, CIDEr-D and,
/// optionally, METEOR.
/// </summary>
/// <remarks>Stateless and safe for concurrent use (a shared <see cref="MeteorScorer"/> is too).</remarks>
public static class CaptionMetrics
{
    /// <summary>Scores one predicted caption per image against that image's reference captions.</summary>
    /// <param name="predictions">The predicted caption per image id.</param>
    /// <param name="references">The reference captions per image id; the id sets must be equal.</param>
    /// <param name="options">Tokenization and METEOR settings.</param>
    /// <returns>Corpus and per-image scores.</returns>
    /// <exception cref="ArgumentNullException">An argument or a caption is null.</exception>
    /// <exception cref="ArgumentException">The id sets differ, the input is empty, or an image has no reference.</exception>
    public static CaptionScores Compute(
        IReadOnlyDictionary<string, string> predictions,
        IReadOnlyDictionary<string, IReadOnlyList<string>> references,
        CaptionMetricsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(references);
        options ??= new CaptionMetricsOptions();
        if (predictions.Count == 0)
        {
            throw new ArgumentException("At least one prediction is required.", nameof(predictions));
        }

        foreach (var id in predictions.Keys)
        {
            if (!references.ContainsKey(id))
            {
                throw new ArgumentException($"Image id '{id}' has a prediction but no references; pycocoevalcap requires equal id sets.", nameof(references));
            }
        }

        foreach (var id in references.Keys)
        {
            if (!predictions.ContainsKey(id))
            {
                throw new ArgumentException($"Image id '{id}' has references but no prediction; pycocoevalcap requires equal id sets.", nameof(predictions));
            }
        }

        var ids = predictions.Keys.Order(StringComparer.Ordinal).ToArray();
        var hypotheses = new string[ids.Length];
        var referenceTexts = new string[ids.Length][];
        for (int i = 0; i < ids.Length; i++)
        {
            string id = ids[i];
            string prediction = predictions[id] ?? throw new ArgumentNullException(nameof(predictions), $"The prediction for image '{id}' is null.");
            var refs = references[id] ?? throw new ArgumentNullException(nameof(references), $"The references for image '{id}' are null.");
            if (refs.Count == 0)
            {
                throw new ArgumentException($"Image '{id}' has an empty reference set; every image needs at least one reference caption.", nameof(references));
            }

            hypotheses[i] = Prepare(prediction, options.Tokenize);
            referenceTexts[i] = [.. refs.Select((r, k) => Prepare(r ?? throw new ArgumentNullException(nameof(references), $"Reference {k} of image '{id}' is null."), options.Tokenize))];
        }

        var items = new (string[] Hypothesis, string[][] References)[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            items[i] = (Words(hypotheses[i]), [.. referenceTexts[i].Select(Words)]);
        }

        double[] bleu = BleuScorer.Compute(items);
        double[] cider = CiderDScorer.Score(items);
        var rouge = new double[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            rouge[i] = RougeLScorer.Score(hypotheses[i], referenceTexts[i]);
        }

        double? meteor = null;
        double[]? meteorPerImage = null;
        if (options.Meteor is { } scorer)
        {
            (meteor, meteorPerImage) = scorer.ScoreCorpus(hypotheses, referenceTexts);
        }

        var perImage = new Dictionary<string, CaptionImageScores>(StringComparer.Ordinal);
        for (int i = 0; i < ids.Length; i++)
        {
            perImage[ids[i]] = new CaptionImageScores(rouge[i], cider[i], meteorPerImage?[i]);
        }

        return new CaptionScores(bleu[0], bleu[1], bleu[2], bleu[3], Mean(rouge), Mean(cider), meteor, perImage);
    }

    private static string Prepare(string caption, bool tokenize) =>
        tokenize ? CaptionTokenizer.TokenizeToString(caption.Replace('\n', ' ')) : caption;

    // pycocoevalcap's BLEU and CIDEr use str.split() (any whitespace); ROUGE-L splits on single spaces.
    private static string[] Words(string caption) => caption.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    private static double Mean(double[] values)
    {
        double sum = 0;
        foreach (double v in values)
        {
            sum += v;
        }

        return sum / values.Length;
    }
}

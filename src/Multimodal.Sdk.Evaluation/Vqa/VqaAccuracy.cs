namespace Multimodal.Sdk;

/// <summary>One VQA question's human annotation.</summary>
/// <param name="QuestionId">The question id that the prediction is keyed by.</param>
/// <param name="Answers">The human answers (ten in VQA v1 / v2).</param>
/// <param name="QuestionType">The question type (e.g. "what color is the"); empty if unknown.</param>
/// <param name="AnswerType">The answer type ("yes/no", "number", "other"); empty if unknown.</param>
/// <remarks>Immutable (its collections are not modified after creation); safe to share between threads.</remarks>
public sealed record VqaAnnotation(string QuestionId, IReadOnlyList<string> Answers, string QuestionType = "", string AnswerType = "");

/// <summary>VQA accuracies in percent (0..100), unrounded; the official script reports them rounded to two decimals.</summary>
/// <param name="Overall">Mean accuracy over all questions.</param>
/// <param name="PerQuestionType">Mean accuracy per question type.</param>
/// <param name="PerAnswerType">Mean accuracy per answer type.</param>
/// <param name="PerQuestion">Accuracy of each question.</param>
/// <remarks>Immutable (its collections are not modified after creation); safe to share between threads.</remarks>
public sealed record VqaScores(
    double Overall,
    IReadOnlyDictionary<string, double> PerQuestionType,
    IReadOnlyDictionary<string, double> PerAnswerType,
    IReadOnlyDictionary<string, double> PerQuestion);

/// <summary>
/// The official VQA accuracy (GT-Vision-Lab/VQA <c>vqaEval.py</c>): for each question, the mean over the leave-one-out
/// subsets of the human answers of min(1, matching humans / 3), after normalizing the predicted answer with
/// <see cref="VqaAnswerNormalizer.Normalize"/>.
/// </summary>
/// <remarks>
/// Like the official code, ground-truth answers are only passed through the punctuation step, and only when the humans
/// disagree: the official annotation files are already normalized. Pass <c>normalizeReferences: true</c> when your
/// ground truth is raw text, to normalize it fully like the predictions (this departs from the official numbers when
/// the ground truth is not normalized). Stateless and safe for concurrent use.
/// </remarks>
public static class VqaAccuracy
{
    /// <summary>Scores predictions against annotations.</summary>
    /// <param name="predictions">Predicted answer per question id.</param>
    /// <param name="annotations">The annotations; their ids must be exactly the prediction ids.</param>
    /// <param name="normalizeReferences">Also normalize ground-truth answers fully (not official; see remarks).</param>
    /// <returns>Overall, per-type and per-question accuracies in percent.</returns>
    /// <exception cref="ArgumentNullException">An argument or element is null.</exception>
    /// <exception cref="ArgumentException">Ids are duplicated, missing on either side, or a question has no answers.</exception>
    public static VqaScores Compute(IReadOnlyDictionary<string, string> predictions, IReadOnlyList<VqaAnnotation> annotations, bool normalizeReferences = false)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(annotations);
        if (annotations.Count == 0)
        {
            throw new ArgumentException("At least one annotation is required.", nameof(annotations));
        }

        var perQuestion = new Dictionary<string, double>(StringComparer.Ordinal);
        var byQuestionType = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var byAnswerType = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        double sum = 0;
        foreach (var annotation in annotations)
        {
            ArgumentNullException.ThrowIfNull(annotation, nameof(annotations));
            if (perQuestion.ContainsKey(annotation.QuestionId))
            {
                throw new ArgumentException($"Question id '{annotation.QuestionId}' is annotated twice.", nameof(annotations));
            }

            if (!predictions.TryGetValue(annotation.QuestionId, out var answer) || answer is null)
            {
                throw new ArgumentException($"No prediction for question id '{annotation.QuestionId}'.", nameof(predictions));
            }

            // Fractions are summed and scaled by 100 at the end, in the official order, so the floats agree bit for bit.
            double accuracy = Score(answer, annotation.Answers, normalizeReferences);
            perQuestion[annotation.QuestionId] = accuracy;
            sum += accuracy;
            Add(byQuestionType, annotation.QuestionType ?? string.Empty, accuracy);
            Add(byAnswerType, annotation.AnswerType ?? string.Empty, accuracy);
        }

        foreach (var id in predictions.Keys)
        {
            if (!perQuestion.ContainsKey(id))
            {
                throw new ArgumentException($"Prediction for question id '{id}' has no annotation; the official evaluation requires the two id sets to be equal.", nameof(predictions));
            }
        }

        return new VqaScores(
            100 * sum / annotations.Count,
            byQuestionType.ToDictionary(kv => kv.Key, kv => 100 * Sum(kv.Value) / kv.Value.Count, StringComparer.Ordinal),
            byAnswerType.ToDictionary(kv => kv.Key, kv => 100 * Sum(kv.Value) / kv.Value.Count, StringComparer.Ordinal),
            perQuestion.ToDictionary(kv => kv.Key, kv => 100 * kv.Value, StringComparer.Ordinal));
    }

    /// <summary>Scores one predicted answer against the human answers of one question.</summary>
    /// <param name="answer">The predicted answer (raw; it is normalized here).</param>
    /// <param name="humanAnswers">The human answers.</param>
    /// <param name="normalizeReferences">Also normalize the human answers fully (not official).</param>
    /// <returns>The accuracy as a fraction in [0, 1].</returns>
    /// <exception cref="ArgumentNullException">An argument or element is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="humanAnswers"/> is empty.</exception>
    public static double Score(string answer, IReadOnlyList<string> humanAnswers, bool normalizeReferences = false)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(humanAnswers);
        if (humanAnswers.Count == 0)
        {
            throw new ArgumentException("A question needs at least one human answer.", nameof(humanAnswers));
        }

        string predicted = VqaAnswerNormalizer.Normalize(answer);
        var gt = new string[humanAnswers.Count];
        for (int i = 0; i < gt.Length; i++)
        {
            gt[i] = humanAnswers[i] ?? throw new ArgumentNullException(nameof(humanAnswers), $"Human answer {i} is null.");
        }

        if (normalizeReferences)
        {
            gt = [.. gt.Select(VqaAnswerNormalizer.Normalize)];
        }
        else if (gt.Distinct(StringComparer.Ordinal).Skip(1).Any())
        {
            gt = [.. gt.Select(VqaAnswerNormalizer.ProcessPunctuation)];
        }

        // Leave each human out in turn; min(1, matches among the others / 3); average.
        int total = gt.Count(g => string.Equals(g, predicted, StringComparison.Ordinal));
        double accuracy = 0;
        foreach (var g in gt)
        {
            int others = total - (string.Equals(g, predicted, StringComparison.Ordinal) ? 1 : 0);
            accuracy += Math.Min(1.0, others / 3.0);
        }

        return accuracy / gt.Length;
    }

    // Left-to-right like Python's sum(); LINQ's Sum may vectorize and reorder.
    private static double Sum(List<double> values)
    {
        double total = 0;
        foreach (var v in values)
        {
            total += v;
        }

        return total;
    }

    private static void Add(Dictionary<string, List<double>> groups, string key, double value)
    {
        if (!groups.TryGetValue(key, out var list))
        {
            groups[key] = list = [];
        }

        list.Add(value);
    }
}

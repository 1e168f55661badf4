using System.Numerics.Tensors;
using System.Text.RegularExpressions;

namespace Multimodal.Sdk;

/// <summary>Zero-shot classification and moment search over any <see cref="IVideoEncoder"/>.</summary>
public static partial class VideoEncoderExtensions
{
    /// <summary>Embeds zero-shot labels once, for any number of later classifications (prompt ensembling as the CLIP encoder does).</summary>
    /// <param name="encoder">The encoder; classify with the same one.</param>
    /// <param name="labels">The candidate labels; at least one, none empty.</param>
    /// <param name="options">Templates and top-k; <see langword="null"/> uses the defaults.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The labels and their embeddings.</returns>
    /// <exception cref="ArgumentException">No labels, an empty label, or a template without <c>{label}</c>.</exception>
    public static Task<ZeroShotLabels> EmbedLabelsAsync(this IVideoEncoder encoder, IReadOnlyList<string> labels, ZeroShotOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        return ClipEncoderExtensions.EmbedLabelsWithAsync(encoder.EmbedTextsAsync, labels, options, cancellationToken);
    }

    /// <summary>Classifies a video against labels: the softmax of logit scale x cosine between the video's embedding (mean of its normalized frame embeddings) and each label.</summary>
    /// <param name="encoder">The encoder.</param>
    /// <param name="path">The video file.</param>
    /// <param name="labels">The candidate labels; at least one, none empty.</param>
    /// <param name="options">Templates and top-k; <see langword="null"/> uses the defaults.</param>
    /// <param name="sampling">Which frames; <see langword="null"/> for 8 frames evenly over the video.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The labels with probabilities, best first.</returns>
    /// <exception cref="ArgumentException">No labels, an empty label, a template without <c>{label}</c>, or an empty path.</exception>
    /// <exception cref="InputDecodeException">The video cannot be decoded.</exception>
    /// <exception cref="InputTooLargeException">The video exceeds the configured limits.</exception>
    public static async Task<ZeroShotResult> ClassifyAsync(this IVideoEncoder encoder, string path, IReadOnlyList<string> labels, ZeroShotOptions? options = null, VideoSamplingOptions? sampling = null, CancellationToken cancellationToken = default)
    {
        var embedded = await encoder.EmbedLabelsAsync(labels, options, cancellationToken).ConfigureAwait(false);
        var video = await encoder.EmbedVideoAsync(path, new VideoEmbeddingOptions { Sampling = sampling }, cancellationToken).ConfigureAwait(false);
        return encoder.Classify(video.Vector.Vector, embedded);
    }

    /// <summary>Classifies an embedding of this encoder's space (a video's, a segment's or a frame's) against embedded labels.</summary>
    /// <param name="encoder">The encoder that embedded both.</param>
    /// <param name="embedding">The video, segment or frame embedding.</param>
    /// <param name="labels">The labels from <see cref="EmbedLabelsAsync"/>.</param>
    /// <returns>The labels with probabilities, best first.</returns>
    /// <exception cref="ArgumentException">The lengths differ (another encoder's labels).</exception>
    public static ZeroShotResult Classify(this IVideoEncoder encoder, ReadOnlyMemory<float> embedding, ZeroShotLabels labels)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(labels);
        if (embedding.Length != labels.Dimension)
        {
            throw new ArgumentException($"The labels were embedded with length {labels.Dimension}, the video with {embedding.Length}: embed the labels with the encoder that embedded the video.", nameof(labels));
        }

        float scale = (encoder.GetService(typeof(ClipEncoderMetadata)) as ClipEncoderMetadata)?.LogitScale ?? 100f;
        var logits = new float[labels.Labels.Count];
        for (int l = 0; l < logits.Length; l++)
        {
            logits[l] = scale * TensorPrimitives.Dot(embedding.Span, labels.Vector(l));
        }

        TensorPrimitives.SoftMax(logits, logits);
        return new ZeroShotResult(labels.Labels.Select((label, l) => new LabelScore(label, logits[l]))
            .OrderByDescending(s => s.Score)
            .Take(labels.TopK is > 0 and var k ? k : logits.Length)
            .ToList());
    }

    /// <summary>
    /// Finds when something is visible ("red circle": the stretches that show it), or when it appears or disappears
    /// ("when does the red circle appear?" / "... disappear?": the object is what is searched, and each moment is the
    /// event itself, from the first frame that shows it, or no longer shows it, to the next frame; its start is the event
    /// time). Every frame is compared with the query by default.
    /// </summary>
    /// <param name="encoder">The encoder.</param>
    /// <param name="path">The video file.</param>
    /// <param name="query">What to find.</param>
    /// <param name="options">Frame sampling and the number of moments; <see langword="null"/> for every frame and every moment.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The matching stretches, best score first.</returns>
    /// <exception cref="ArgumentException">The query or the path is empty.</exception>
    /// <exception cref="InputDecodeException">The video cannot be decoded.</exception>
    /// <exception cref="InputTooLargeException">The video exceeds the configured limits.</exception>
    public static async Task<IReadOnlyList<VideoMoment>> FindMomentsAsync(this IVideoEncoder encoder, string path, string query, MomentSearchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        var sampling = options?.Sampling ?? VideoSamplingOptions.AllFrames();
        var video = await encoder.EmbedVideoAsync(path, new VideoEmbeddingOptions { Sampling = sampling }, cancellationToken).ConfigureAwait(false);
        return await encoder.FindMomentsAsync(video, query, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Finds when something is visible in an already embedded video (embed once, search many times, or many videos).</summary>
    /// <param name="encoder">The encoder that embedded the video.</param>
    /// <param name="video">The embedded video (with frame embeddings).</param>
    /// <param name="query">What to find.</param>
    /// <param name="options">The number of moments; <see langword="null"/> for every moment.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The matching stretches, best score first.</returns>
    /// <exception cref="ArgumentException">The query is empty, or the video has no frame embeddings.</exception>
    public static async Task<IReadOnlyList<VideoMoment>> FindMomentsAsync(this IVideoEncoder encoder, VideoEmbedding video, string query, MomentSearchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(video);
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        if (video.Frames.Count == 0)
        {
            throw new ArgumentException("The video has no frame embeddings to search.", nameof(video));
        }

        var text = (await encoder.EmbedTextsAsync([SearchPhrase(query)], cancellationToken).ConfigureAwait(false))[0].Vector;
        var scores = new float[video.Frames.Count];
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = TensorPrimitives.Dot(video.Frames[i].Vector.Span, text.Span);
        }

        var moments = Moments(scores, i => video.Frames[i].Time, video.Duration);
        if (EventOf(query) is { } kind)
        {
            // A question about an event gets the event itself: from the first frame that shows the change to the next frame.
            moments = [.. moments.Select(m => EventMoment(kind == MomentEvent.Appear ? m.Start : m.End, m.Score, video))];
        }

        return options?.MaxMoments is { } max ? [.. moments.Take(max)] : moments;
    }

    /// <summary>
    /// Tells whether a query asks when something appears or disappears ("when does the red circle appear?"), which
    /// moment search answers with the event's time.
    /// </summary>
    /// <param name="query">The query as the user wrote it.</param>
    /// <returns><see langword="true"/> for a question about an appear or disappear event.</returns>
    public static bool IsEventQuery(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return EventOf(query) is not null;
    }

    private enum MomentEvent
    {
        Appear,
        Disappear,
    }

    private static MomentEvent? EventOf(string query)
    {
        string q = query.Trim().ToLowerInvariant();
        if (ThingQuestion().IsMatch(q))
        {
            return null; // "what appears?" asks for the object, not for the time
        }

        var tail = EventTail().Match(q).Groups[2].Value;
        return tail switch
        {
            "appear" or "appears" or "show up" or "shows up" or "come into view" => MomentEvent.Appear,
            "disappear" or "disappears" or "vanish" or "vanishes" or "leave" or "leaves" => MomentEvent.Disappear,
            _ => null,
        };
    }

    // The moment of an event at time t: [t, the next sampled frame's time), or [t, the video's end] at the last frame.
    private static VideoMoment EventMoment(TimeSpan at, float score, VideoEmbedding video)
    {
        var next = video.Frames.Select(f => f.Time).Where(t => t > at).DefaultIfEmpty(video.Duration > at ? video.Duration : at).Min();
        return new VideoMoment(at, next, score);
    }

    /// <summary>The object a moment question asks about: "when does the red circle appear?" -> "red circle".</summary>
    /// <param name="query">The query as the user wrote it.</param>
    /// <returns>The phrase embedded for the search.</returns>
    public static string SearchPhrase(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        string phrase = QuestionLead().Replace(query.Trim().ToLowerInvariant(), string.Empty);
        phrase = EventTail().Replace(phrase, string.Empty);
        phrase = Article().Replace(phrase, string.Empty).Trim();
        return phrase.Length > 0 ? phrase : query.Trim();
    }

    /// <summary>
    /// Splits per-frame scores into matching stretches: frames above the threshold that best separates the scores in two
    /// groups (Otsu's criterion), with isolated single frames flipped to their neighbours' side. When the scores do not
    /// separate (the object is visible throughout, or never), the whole video is one moment.
    /// </summary>
    internal static List<VideoMoment> Moments(ReadOnlySpan<float> scores, Func<int, TimeSpan> time, TimeSpan duration)
    {
        int n = scores.Length;
        TimeSpan End(int last) => last + 1 < n ? time(last + 1) : (duration > time(last) ? duration : time(last));
        float min = TensorPrimitives.Min(scores);
        float max = TensorPrimitives.Max(scores);
        const float MinSeparation = 0.05f;
        if (n < 2 || max - min < MinSeparation)
        {
            return [new VideoMoment(time(0), End(n - 1), TensorPrimitives.Sum(scores) / n)];
        }

        var sorted = scores.ToArray();
        Array.Sort(sorted);
        float threshold = sorted[^1];
        double best = double.NegativeInfinity;
        double total = sorted.Sum(x => (double)x);
        double below = 0;
        for (int k = 1; k < n; k++)
        {
            below += sorted[k - 1];
            double m0 = below / k;
            double m1 = (total - below) / (n - k);
            double between = (double)k * (n - k) * (m1 - m0) * (m1 - m0);
            if (between > best && sorted[k] > sorted[k - 1])
            {
                best = between;
                threshold = (sorted[k - 1] + sorted[k]) / 2;
            }
        }

        var on = new bool[n];
        for (int i = 0; i < n; i++)
        {
            on[i] = scores[i] >= threshold;
        }

        // A one-frame blip (a frame the encoder misreads) is noise; a step between two runs is kept as it is.
        var smoothed = (bool[])on.Clone();
        for (int i = 1; i + 1 < n; i++)
        {
            if (on[i - 1] == on[i + 1] && on[i] != on[i - 1])
            {
                smoothed[i] = on[i - 1];
            }
        }

        var moments = new List<VideoMoment>();
        for (int i = 0; i < n;)
        {
            if (!smoothed[i])
            {
                i++;
                continue;
            }

            int start = i;
            float sum = 0;
            while (i < n && smoothed[i])
            {
                sum += scores[i++];
            }

            moments.Add(new VideoMoment(time(start), End(i - 1), sum / (i - start)));
        }

        moments.Sort((a, b) => b.Score.CompareTo(a.Score));
        return moments;
    }

    [GeneratedRegex(@"^(when|where|at what time|what time)\s+(does|do|did|is|are|will)\s+")]
    private static partial Regex QuestionLead();

    [GeneratedRegex(@"^(what|which|who)\b(?!\s+time\b)")]
    private static partial Regex ThingQuestion();

    [GeneratedRegex(@"(\s+(appear|appears|disappear|disappears|show up|shows up|vanish|vanishes|leave|leaves|visible|come into view))?\s*\??$")]
    private static partial Regex EventTail();

    [GeneratedRegex(@"^(the|a|an)\s+")]
    private static partial Regex Article();
}

using System.IO.Compression;
using System.Text;

namespace Multimodal.Sdk;

/// <summary>
/// The decoding rules of one call, checked and resolved once from <see cref="SpeechRecognitionOptions"/> and the
/// model's tokens, as openai/whisper's <c>transcribe()</c> and <c>DecodingOptions</c> define them.
/// </summary>
internal sealed class WhisperDecodingPlan
{
    private readonly GenerationOptions[] _perTemperature;

    private WhisperDecodingPlan(float[] temperatures, GenerationOptions[] perTemperature)
    {
        Temperatures = temperatures;
        _perTemperature = perTemperature;
    }

    public float[] Temperatures { get; }

    public float? CompressionRatioThreshold { get; private init; }

    public float? LogProbThreshold { get; private init; }

    public float? NoSpeechThreshold { get; private init; }

    /// <summary>Gets the length penalty for ranking sampled candidates (<see langword="null"/>: divide by the length).</summary>
    public float? LengthPenalty { get; private init; }

    public bool ConditionOnPreviousText { get; private init; }

    public int[] InitialPrompt { get; private init; } = [];

    /// <summary>Gets how many previous tokens fit after <c>&lt;|startofprev|&gt;</c>: half the decoder's context less one.</summary>
    public int MaxPromptTokens { get; private init; }

    /// <summary>Gets the tokens of the model with this call's suppress lists.</summary>
    public required WhisperTokens Tokens { get; init; }

    /// <summary>Gets the generation options for the attempt at <see cref="Temperatures"/>[<paramref name="attempt"/>].</summary>
    public GenerationOptions For(int attempt) => _perTemperature[attempt];

    /// <exception cref="ArgumentException">The temperature list is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public static WhisperDecodingPlan Resolve(SpeechRecognitionOptions o, WhisperTokens tokens, Tokenizer tokenizer, int vocabularySize, int textContext, GenerationConfig generation)
    {
        var temperatures = (o.Temperatures ?? throw new ArgumentNullException(nameof(o.Temperatures))).ToArray();
        if (temperatures.Length == 0)
        {
            throw new ArgumentException("Temperatures needs at least one value (use [0] for greedy decoding without fallback).", nameof(o.Temperatures));
        }

        foreach (float t in temperatures)
        {
            Check(t >= 0 && float.IsFinite(t), nameof(o.Temperatures), t, "0 or more and finite");
        }

        int bestOf = o.BestOf ?? 1;
        Check(bestOf >= 1, nameof(o.BestOf), bestOf, "at least 1");
        Check(o.CompressionRatioThreshold is null || float.IsFinite(o.CompressionRatioThreshold.Value), nameof(o.CompressionRatioThreshold), o.CompressionRatioThreshold!, "finite or null");
        Check(o.LogProbThreshold is null || float.IsFinite(o.LogProbThreshold.Value), nameof(o.LogProbThreshold), o.LogProbThreshold!, "finite or null");
        Check(o.NoSpeechThreshold is null || o.NoSpeechThreshold is >= 0 and <= 1, nameof(o.NoSpeechThreshold), o.NoSpeechThreshold!, "in [0, 1] or null");

        var perTemperature = temperatures.Select(t =>
        {
            var g = new GenerationOptions
            {
                MaxNewTokens = o.MaxNewTokens,
                NumBeams = o.NumBeams,
                LengthPenalty = o.LengthPenalty,
                EarlyStopping = o.EarlyStopping,
                TopK = o.TopK,
                TopP = o.TopP,
                Seed = o.Seed,
                RepetitionPenalty = o.RepetitionPenalty,
                NoRepeatNgramSize = o.NoRepeatNgramSize,
            };
            if (t > 0)
            {
                g.DoSample = true;
                g.Temperature = t;
                g.NumBeams = 1;
                g.NumReturnSequences = bestOf;
            }
            else
            {
                g.DoSample = false;
                g.Temperature = null;
                g.NumReturnSequences = 1;
            }

            return g;
        }).ToArray();

        return new WhisperDecodingPlan(temperatures, perTemperature)
        {
            CompressionRatioThreshold = o.CompressionRatioThreshold,
            LogProbThreshold = o.LogProbThreshold,
            NoSpeechThreshold = o.NoSpeechThreshold,
            LengthPenalty = o.LengthPenalty,
            ConditionOnPreviousText = o.ConditionOnPreviousText,
            InitialPrompt = string.IsNullOrWhiteSpace(o.InitialPrompt) ? [] : tokenizer.Encode(" " + o.InitialPrompt.Trim(), addSpecialTokens: false),
            MaxPromptTokens = Math.Max(0, (textContext / 2) - 1),
            Tokens = tokens with
            {
                Suppress = Suppress(o.SuppressTokens, tokens, vocabularySize, generation),
                BeginSuppress = o.SuppressBlank ? BlankTokens(tokens, tokenizer, generation) : [],
            },
        };
    }

    /// <summary>
    /// The ratio openai/whisper's fallback tests: UTF-8 bytes of the text over their zlib-compressed size (default
    /// level). Repetition loops compress well; ordinary speech stays near 1..2. 0 for no text.
    /// </summary>
    public static double CompressionRatio(string text)
    {
        if (text.Length == 0)
        {
            return 0;
        }

        byte[] bytes = Encoding.UTF8.GetBytes(text);
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(bytes);
        }

        return (double)bytes.Length / compressed.Length;
    }

    /// <summary>
    /// Ranks sampled candidates as openai/whisper's <c>MaximumLikelihoodRanker</c>: sum of log-probabilities over the
    /// length (tokens without the end token), or over <c>((5 + length) / 6)^penalty</c> with a length penalty.
    /// </summary>
    public double Rank(GeneratedSequence sequence)
    {
        int length = sequence.EndedWithEos ? sequence.Tokens.Length - 1 : sequence.Tokens.Length;
        double penalty = LengthPenalty is { } p ? Math.Pow((5.0 + length) / 6.0, p) : length;
        return sequence.SumLogProb / Math.Max(penalty, 1e-9);
    }

    private static int[] Suppress(IReadOnlyList<int>? ids, WhisperTokens tokens, int vocabularySize, GenerationConfig generation)
    {
        ArgumentNullException.ThrowIfNull(ids, nameof(SpeechRecognitionOptions.SuppressTokens));
        var set = new SortedSet<int>();
        foreach (int id in ids)
        {
            if (id == -1)
            {
                set.UnionWith(generation.SuppressTokens);
                continue;
            }

            Check(id >= 0 && id < vocabularySize, nameof(SpeechRecognitionOptions.SuppressTokens), id, $"-1 (the model's suppress_tokens) or a token id below {vocabularySize}");
            set.Add(id);
        }

        // openai/whisper suppresses the control tokens whatever the list says.
        set.Add(tokens.StartOfTranscript);
        set.Add(tokens.Transcribe);
        foreach (int? id in new[] { tokens.Translate, tokens.StartOfPrevious, tokens.StartOfLm, tokens.NoSpeech })
        {
            if (id is { } v)
            {
                set.Add(v);
            }
        }

        return [.. set];
    }

    private static int[] BlankTokens(WhisperTokens tokens, Tokenizer tokenizer, GenerationConfig generation) =>
        generation.BeginSuppressTokens.Count > 0
            ? [.. generation.BeginSuppressTokens]
            : [.. tokenizer.Encode(" ", addSpecialTokens: false), tokens.EndOfText];

    private static void Check(bool ok, string name, object value, string expected)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be {expected}; it was {value}.");
        }
    }
}

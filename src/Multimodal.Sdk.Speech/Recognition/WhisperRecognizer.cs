using System.Buffers;
using System.Runtime.CompilerServices;
using Microsoft.ML.OnnxRuntime;

namespace Multimodal.Sdk;

/// <summary>
/// Speech recognition on a Whisper export (Optimum / transformers.js layout): <c>onnx/encoder_model.onnx</c> and the
/// decoder as <c>decoder_model_merged.onnx</c> or the split pair. Decodes as openai/whisper does: language detection
/// from the logits after <c>&lt;|startoftranscript|&gt;</c>, <c>suppress_tokens</c> and <c>begin_suppress_tokens</c>,
/// the timestamp rules, the no-speech probability, and audio longer than one window by sequential windows that seek
/// to the end of the last complete segment. Window length, mel count and token ids come from the model folder.
/// </summary>
/// <remarks>Safe for concurrent use. Owns its ONNX Runtime sessions; dispose it to release them.</remarks>
public sealed class WhisperRecognizer : ISpeechRecognizer, IWarmable
{
    private const float NoSpeechThreshold = 0.6f;
    private const double LogProbThreshold = -1.0;

    private readonly ModelSession _encoder;
    private readonly OnnxDecoder _decoder;
    private readonly Tokenizer _tokenizer;
    private readonly WhisperFeatureExtractor _features;
    private readonly GenerationConfig _generation;
    private readonly WhisperTokens _tokens;
    private readonly int _framesPerStep;
    private readonly string _modelPath;

    /// <summary>Loads a Whisper model folder.</summary>
    /// <param name="modelPath">The model folder.</param>
    /// <param name="options">Session settings; <see langword="null"/> for the defaults (CPU).</param>
    /// <exception cref="ModelNotFoundException">The folder or a file it needs is missing.</exception>
    /// <exception cref="ModelIncompatibleException">The folder is not a Whisper model, or its graphs or token ids break the contract.</exception>
    public WhisperRecognizer(string modelPath, MultimodalOptions? options = null)
        : this(new OnnxSessionFactory(options), modelPath)
    {
    }

    internal WhisperRecognizer(OnnxSessionFactory factory, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var folder = factory.OpenFolder(modelPath);
        folder.RequireModelType("The speech recognizer", "whisper");
        _modelPath = folder.Path;
        _tokenizer = Tokenizer.Load(folder);
        var featureConfig = AudioFeatureConfig.From(folder.GetJson("preprocessor_config.json"));
        _features = new WhisperFeatureExtractor(featureConfig);
        var generationJson = folder.TryGetJson("generation_config.json");
        _generation = GenerationConfig.From(generationJson, folder.Config);
        _tokens = ReadTokens(folder, generationJson, featureConfig);
        _framesPerStep = Math.Max(1, (int)Math.Round(_tokens.TimeStep * featureConfig.SamplingRate / featureConfig.HopLength));
        _encoder = factory.Create(folder, "encoder_model").Require(["input_features"], ["last_hidden_state"]);
        try
        {
            _decoder = OnnxDecoder.Open(factory, folder);
        }
        catch
        {
            _encoder.Dispose();
            throw;
        }
    }

    /// <summary>Gets the language codes the model knows, in the order of its <c>lang_to_id</c>.</summary>
    public IReadOnlyList<string> Languages => [.. _tokens.Languages.Select(l => l.Key)];

    /// <inheritdoc/>
    public async Task<SpeechRecognitionResult> TranscribeAsync(AudioData audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default)
    {
        var run = new RunState();
        var segments = new List<SpeechSegment>();
        await foreach (var segment in RunAsync(audio, options, run, cancellationToken).ConfigureAwait(false))
        {
            segments.Add(segment);
        }

        var language = run.Language!;
        return new SpeechRecognitionResult(string.Join(' ', segments.Select(s => s.Text).Where(t => t.Length > 0)), language.Code, language.Probability, segments);
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<SpeechSegment> TranscribeStreamingAsync(AudioData audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default) =>
        RunAsync(audio, options, new RunState(), cancellationToken);

    /// <inheritdoc/>
    public Task<LanguageDetectionResult> DetectLanguageAsync(AudioData audio, CancellationToken cancellationToken = default)
    {
        var samples = Prepare(audio);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.Run(
            () =>
            {
                using var encoded = Encode(samples.Span[..Math.Min(samples.Length, _features.Config.NSamples)]);
                var detection = Detect(encoded[0]);
                var probabilities = new Dictionary<string, float>(StringComparer.Ordinal);
                for (int i = 0; i < _tokens.Languages.Count; i++)
                {
                    probabilities[_tokens.Languages[i].Key] = detection.LanguageProbabilities[i];
                }

                var best = detection.Language;
                return new LanguageDetectionResult(best.Code, best.Probability, probabilities, detection.NoSpeech);
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }

    async Task IWarmable.WarmUpAsync(CancellationToken cancellationToken)
    {
        var silence = new AudioData(new float[_features.Config.SamplingRate], _features.Config.SamplingRate);
        await TranscribeAsync(silence, new SpeechRecognitionOptions { MaxNewTokens = 2 }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _decoder.Dispose();
        _encoder.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"WhisperRecognizer({_modelPath})";

    private async IAsyncEnumerable<SpeechSegment> RunAsync(AudioData audio, SpeechRecognitionOptions? options, RunState run, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var samples = Prepare(audio);
        var o = (SpeechRecognitionOptions)(options?.Clone() ?? new SpeechRecognitionOptions());
        int taskToken = TaskToken(o.Task);
        run.Language = ResolveLanguage(o.Language);

        // Fail on bad decoding options before any model runs.
        _ = GenerationSettings.Resolve(_generation, o, 4);
        var config = _features.Config;
        if (samples.Length <= config.NSamples)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var window = await Task.Run(() => DecodeWindow(samples, o, run, taskToken, o.Timestamps, cancellationToken), cancellationToken).ConfigureAwait(false);
            if (o.Timestamps)
            {
                foreach (var s in Segments(window, 0))
                {
                    yield return s;
                }
            }
            else if (Text(window.Tokens) is { Length: > 0 } text)
            {
                yield return new SpeechSegment(TimeSpan.Zero, audio.Duration, text, window.AverageLogProb, window.NoSpeech, window.Tokens);
            }

            yield break;
        }

        // Long audio: windows of n_samples, each starting where the last complete segment of the previous one ended.
        int hop = config.HopLength;
        int frames = samples.Length / hop;
        int windowFrames = config.NSamples / hop;
        int seek = 0;
        while (seek < frames)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int size = Math.Min(windowFrames, frames - seek);
            var slice = samples.Slice(seek * hop, size * hop);
            var window = await Task.Run(() => DecodeWindow(slice, o, run, taskToken, true, cancellationToken), cancellationToken).ConfigureAwait(false);
            if (window.NoSpeech > NoSpeechThreshold && window.AverageLogProb < LogProbThreshold)
            {
                seek += size;
                continue;
            }

            double offset = (double)seek * hop / config.SamplingRate;
            foreach (var s in Segments(window, offset))
            {
                if (s.Text.Length > 0)
                {
                    yield return s;
                }
            }

            seek += window.Seek is { } advance ? Math.Max(1, advance * _framesPerStep) : size;
        }
    }

    private WindowResult DecodeWindow(ReadOnlyMemory<float> samples, SpeechRecognitionOptions options, RunState run, int taskToken, bool timestamps, CancellationToken cancellationToken)
    {
        using var encoded = Encode(samples.Span);
        var detection = Detect(encoded[0]);
        run.Language ??= detection.Language;
        var prompt = new List<int> { _tokens.StartOfTranscript };
        if (_tokens.Languages.Count > 0)
        {
            prompt.Add(run.Language.TokenId);
            prompt.Add(taskToken);
        }

        if (!timestamps)
        {
            prompt.Add(_tokens.NoTimestamps);
        }

        var settings = GenerationSettings.Resolve(_generation, options, prompt.Count);
        var request = new GenerationRequest
        {
            Prompts = [prompt],
            EncoderHiddenStates = encoded[0],
            Processors = [new WhisperLogitsProcessor(_tokens, timestamps)],
        };
        var sequence = GenerationEngine.Generate(_decoder, request, settings, cancellationToken).First;
        var tokens = sequence.EndedWithEos ? sequence.Tokens[..^1] : sequence.Tokens;
        int? seek = timestamps ? WhisperSegmenter.Split(tokens, _tokens.TimestampBegin).Seek : null;
        return new WindowResult(tokens, sequence.AverageLogProb, detection.NoSpeech, seek);
    }

    private IEnumerable<SpeechSegment> Segments(WindowResult window, double offset)
    {
        foreach (var raw in WhisperSegmenter.Split(window.Tokens, _tokens.TimestampBegin).Segments)
        {
            var tokens = window.Tokens[raw.From..raw.To];
            yield return new SpeechSegment(
                Time(offset + (raw.StartStep * _tokens.TimeStep)),
                Time(offset + (raw.EndStep * _tokens.TimeStep)),
                Text(tokens),
                window.AverageLogProb,
                window.NoSpeech,
                tokens);
        }
    }

    private static TimeSpan Time(double seconds) => TimeSpan.FromSeconds(Math.Round(seconds, 3));

    private string Text(ReadOnlySpan<int> tokens)
    {
        var text = new int[tokens.Length];
        int n = 0;
        foreach (int t in tokens)
        {
            if (t < _tokens.EndOfText)
            {
                text[n++] = t;
            }
        }

        var decoded = _tokenizer.Decode(text.AsSpan(0, n), skipSpecialTokens: true);
        return string.Join(' ', decoded.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    private ReadOnlyMemory<float> Prepare(AudioData audio)
    {
        ArgumentNullException.ThrowIfNull(audio);
        if (audio.Samples.IsEmpty)
        {
            throw new ArgumentException("The audio has no samples; speech recognition needs at least one.", nameof(audio));
        }

        int rate = _features.Config.SamplingRate;
        return audio.SampleRate == rate ? audio.Samples : PolyphaseResampler.Resample(audio.Samples.Span, audio.SampleRate, rate);
    }

    private IDisposableReadOnlyCollection<OrtValue> Encode(ReadOnlySpan<float> window)
    {
        int length = _features.OutputLength;
        var features = ArrayPool<float>.Shared.Rent(length);
        try
        {
            _features.Compute(window, features);
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, features.AsMemory(0, length), [1, _features.Config.FeatureSize, _features.FrameCount]);
            return _encoder.Run(["input_features"], [input], ["last_hidden_state"]);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(features);
        }
    }

    // One decoder step on <|startoftranscript|>: the language (restricted to the language tokens) and p(<|nospeech|>).
    private Detection Detect(OrtValue encoded)
    {
        using var state = _decoder.Start(1, encoded, ownsEncoderHiddenStates: false);
        var logits = _decoder.Step(state, [_tokens.StartOfTranscript], 1);
        var scratch = ArrayPool<float>.Shared.Rent(logits.Length);
        try
        {
            float lse = LogitsMath.LogSumExp(logits, scratch);
            float noSpeech = _tokens.NoSpeech is { } ns && ns < logits.Length ? MathF.Exp(logits[ns] - lse) : 0f;
            var languages = _tokens.Languages;
            if (languages.Count == 0)
            {
                return new Detection(new LanguageChoice("en", -1, 1f), [], noSpeech);
            }

            var languageLogits = new float[languages.Count];
            for (int i = 0; i < languages.Count; i++)
            {
                languageLogits[i] = logits[languages[i].Value];
            }

            int best = LogitsMath.ArgMax(languageLogits);
            float languageLse = LogitsMath.LogSumExp(languageLogits, scratch);
            var probabilities = languageLogits.Select(l => MathF.Exp(l - languageLse)).ToArray();
            return new Detection(new LanguageChoice(languages[best].Key, languages[best].Value, probabilities[best]), probabilities, noSpeech);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    private LanguageChoice? ResolveLanguage(string? language)
    {
        if (string.IsNullOrWhiteSpace(language) || string.Equals(language, "auto", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (_tokens.Languages.Count == 0)
        {
            return new LanguageChoice(language, -1, 1f);
        }

        string code = language.Trim().Trim('<', '|', '>').ToLowerInvariant();
        foreach (var (key, id) in _tokens.Languages)
        {
            if (key == code)
            {
                return new LanguageChoice(key, id, 1f);
            }
        }

        throw new ArgumentException($"Language '{language}' is not one model '{_modelPath}' knows; it knows {string.Join(", ", _tokens.Languages.Select(l => l.Key))} (or \"auto\").", nameof(language));
    }

    private int TaskToken(SpeechTask task) => task switch
    {
        SpeechTask.Transcribe => _tokens.Transcribe,
        SpeechTask.Translate => _tokens.Translate ?? throw new ArgumentException($"Model '{_modelPath}' has no <|translate|> task.", nameof(task)),
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, "Unknown speech task."),
    };

    private static WhisperTokens ReadTokens(ModelFolder folder, JsonConfig? generationJson, AudioFeatureConfig features)
    {
        var tokenizer = Tokenizer.Load(folder);
        var generation = GenerationConfig.From(generationJson, folder.Config);
        ModelIncompatibleException Missing(string what) =>
            new(folder.Path, "generation_config.json", $"Whisper model folder '{folder.Path}' names no {what} (looked in generation_config.json, config.json and tokenizer.json).");
        int? Token(string content) => tokenizer.TokenToId(content);
        int noTimestamps = generation.NoTimestampsTokenId ?? Token("<|notimestamps|>") ?? throw Missing("<|notimestamps|> token");
        var languages = generation.LangToId
            .OrderBy(l => l.Value)
            .Select(l => new KeyValuePair<string, int>(l.Key.Trim('<', '|', '>'), l.Value))
            .ToList();
        int maxSource = folder.Config.TryGetInt32("max_source_positions") ?? (features.NbMaxFrames / 2);
        return new WhisperTokens
        {
            StartOfTranscript = generation.DecoderStartTokenId ?? Token("<|startoftranscript|>") ?? throw Missing("decoder_start_token_id"),
            EndOfText = Token("<|endoftext|>") ?? (generation.EosTokenIds.Count > 0 ? generation.EosTokenIds[0] : throw Missing("<|endoftext|> token")),
            NoTimestamps = noTimestamps,
            NoSpeech = Token("<|nospeech|>") ?? Token("<|nocaptions|>"),
            Transcribe = generation.TaskToId.TryGetValue("transcribe", out int tr) ? tr : Token("<|transcribe|>") ?? throw Missing("transcribe task"),
            Translate = generation.TaskToId.TryGetValue("translate", out int tl) ? tl : Token("<|translate|>"),
            Languages = languages,
            Suppress = generation.SuppressTokens,
            BeginSuppress = generation.BeginSuppressTokens,
            MaxInitialTimestampIndex = generationJson?.TryGetInt32("max_initial_timestamp_index"),
            TimeStep = (double)features.ChunkLength / maxSource,
        };
    }

    private sealed record LanguageChoice(string Code, int TokenId, float Probability);

    private sealed record Detection(LanguageChoice Language, float[] LanguageProbabilities, float NoSpeech);

    private sealed record WindowResult(int[] Tokens, double AverageLogProb, float NoSpeech, int? Seek);

    // The language of a call: given by the caller, or detected on the first window and kept for the rest.
    private sealed class RunState
    {
        public LanguageChoice? Language { get; set; }
    }
}

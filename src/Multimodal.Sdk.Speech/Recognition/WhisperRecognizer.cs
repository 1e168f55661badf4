using System.Buffers;
using System.Globalization;
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
public sealed class WhisperRecognizer : ISpeechRecognizer, IWarmable, IEncoderBatching
{
    private readonly ModelSession _encoder;
    private readonly IDecoder _decoder;
    private readonly Tokenizer _tokenizer;
    private readonly WhisperFeatureExtractor _features;
    private MicroBatcher<float[], (float[] Data, long[] Shape)>? _encoderBatcher;
    private readonly GenerationConfig _generation;
    private readonly WhisperTokens _tokens;
    private readonly int _framesPerStep;
    private readonly string _modelPath;
    private readonly string? _ffmpegPath;
    private readonly TimeSpan _maxAudioDuration;
    private readonly InputLimits _limits;
    private readonly int _vocabularySize;
    private readonly int _textContext;

    /// <summary>Loads a Whisper model folder.</summary>
    /// <param name="modelPath">The model folder.</param>
    /// <param name="options">Session settings; <see langword="null"/> for the defaults (CPU).</param>
    /// <exception cref="ModelNotFoundException">The folder or a file it needs is missing.</exception>
    /// <exception cref="ModelIncompatibleException">The folder is not a Whisper model, or its graphs or token ids break the contract.</exception>
    public WhisperRecognizer(string modelPath, MultimodalOptions? options = null)
        : this(new OnnxSessionFactory(options), modelPath)
    {
    }

    // decorate: tests wrap the decoder to see every step's tokens.
    internal WhisperRecognizer(OnnxSessionFactory factory, string modelPath, Func<IDecoder, IDecoder>? decorate = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var folder = factory.OpenFolder(modelPath);
        folder.RequireModelType("The speech recognizer", "whisper");
        _modelPath = folder.Path;
        _ffmpegPath = factory.Options.FfmpegPath;
        _limits = factory.Options.Limits ?? new InputLimits();
        _maxAudioDuration = _limits.MaxAudioDuration;
        _tokenizer = Tokenizer.Load(folder);
        var featureConfig = AudioFeatureConfig.From(folder.GetJson("preprocessor_config.json"));
        _features = new WhisperFeatureExtractor(featureConfig);
        var generationJson = folder.TryGetJson("generation_config.json");
        _generation = GenerationConfig.From(generationJson, folder.Config);
        _tokens = ReadTokens(folder, generationJson, featureConfig);
        _vocabularySize = folder.Config.TryGetInt32("vocab_size") ?? int.MaxValue;
        _textContext = folder.Config.TryGetInt32("max_target_positions") ?? _generation.MaxLength ?? 448;
        _framesPerStep = Math.Max(1, (int)Math.Round(_tokens.TimeStep * featureConfig.SamplingRate / featureConfig.HopLength));
        _encoder = factory.Create(folder, "encoder_model").Require(["input_features"], ["last_hidden_state"]);
        try
        {
            IDecoder decoder = OnnxDecoder.Open(factory, folder);
            _decoder = decorate is null ? decoder : decorate(decoder);
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
    public Task<SpeechRecognitionResult> TranscribeAsync(AudioData audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default) =>
        CollectAsync(TranscribeStreamingAsync(audio, options, cancellationToken));

    /// <inheritdoc/>
    public IAsyncEnumerable<SpeechSegment> TranscribeStreamingAsync(AudioData audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default)
    {
        var run = new RunState();
        return RunAsync(OpenMemory(audio), audio.Duration, options, run, cancellationToken);
    }

    /// <summary>
    /// Transcribes (or translates) encoded audio read from a stream, window by window: memory stays bounded by one
    /// window whatever the length (a two-hour recording holds about 0.7 MB of samples at a time, not 460 MB).
    /// </summary>
    /// <param name="audio">WAV (in-process) or, with ffmpeg installed, any container ffmpeg decodes; read forward from its current position, need not be seekable, never disposed.</param>
    /// <param name="options">Language, task, timestamps and decoding settings; <see langword="null"/> for the defaults (language detected, transcription).</param>
    /// <param name="cancellationToken">Checked between blocks of samples, windows and decoding steps.</param>
    /// <returns>The text, the language and the segments.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="audio"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The stream is not readable, or the language or task is not one the model knows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A decoding option is out of range.</exception>
    /// <exception cref="InputDecodeException">The stream is not audio in a supported format, its header is inconsistent (a sample rate of 0, or more than 1024 times away from the model's), it is truncated, or it holds no samples.</exception>
    /// <exception cref="MultimodalException">The model failed to run.</exception>
    public Task<SpeechRecognitionResult> TranscribeAsync(Stream audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default) =>
        CollectAsync(TranscribeStreamingAsync(audio, options, cancellationToken));

    /// <summary>Transcribes (or translates) an audio file window by window, with memory bounded by one window.</summary>
    /// <param name="path">A WAV file, or with ffmpeg installed any file ffmpeg decodes (MP3, FLAC, M4A, ...).</param>
    /// <param name="options">Language, task, timestamps and decoding settings; <see langword="null"/> for the defaults (language detected, transcription).</param>
    /// <param name="cancellationToken">Checked between blocks of samples, windows and decoding steps.</param>
    /// <returns>The text, the language and the segments.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or blank, or the language or task is not one the model knows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A decoding option is out of range.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InputDecodeException">The file is not audio in a supported format, its header is inconsistent, it is truncated, or it holds no samples.</exception>
    /// <exception cref="MultimodalException">The model failed to run.</exception>
    public Task<SpeechRecognitionResult> TranscribeAsync(string path, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default) =>
        CollectAsync(TranscribeStreamingAsync(path, options, cancellationToken));

    /// <summary>
    /// Streams the segments of encoded audio read from a stream as each window is decoded, reading only as far as
    /// the window being decoded: hours of audio with memory bounded by one window.
    /// </summary>
    /// <param name="audio">WAV (in-process) or, with ffmpeg installed, any container ffmpeg decodes; read forward from its current position, need not be seekable, never disposed.</param>
    /// <param name="options">Language, task, timestamps and decoding settings; <see langword="null"/> for the defaults (language detected, transcription).</param>
    /// <param name="cancellationToken">Checked between blocks of samples, windows and decoding steps.</param>
    /// <returns>The segments in time order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="audio"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The stream is not readable, or the language or task is not one the model knows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A decoding option is out of range.</exception>
    /// <exception cref="InputDecodeException">The stream is not audio in a supported format, its header is inconsistent, it is truncated (raised when reading reaches the early end), or it holds no samples.</exception>
    /// <exception cref="MultimodalException">The model failed to run.</exception>
    public IAsyncEnumerable<SpeechSegment> TranscribeStreamingAsync(Stream audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        return RunAsync(() => AudioReader.Open(audio, _features.Config.SamplingRate, _ffmpegPath), null, options, new RunState(), cancellationToken);
    }

    /// <summary>Streams the segments of an audio file as each window is decoded, with memory bounded by one window.</summary>
    /// <param name="path">A WAV file, or with ffmpeg installed any file ffmpeg decodes (MP3, FLAC, M4A, ...).</param>
    /// <param name="options">Language, task, timestamps and decoding settings; <see langword="null"/> for the defaults (language detected, transcription).</param>
    /// <param name="cancellationToken">Checked between blocks of samples, windows and decoding steps.</param>
    /// <returns>The segments in time order.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or blank, or the language or task is not one the model knows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A decoding option is out of range.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InputDecodeException">The file is not audio in a supported format, its header is inconsistent, it is truncated, or it holds no samples.</exception>
    /// <exception cref="MultimodalException">The model failed to run.</exception>
    public IAsyncEnumerable<SpeechSegment> TranscribeStreamingAsync(string path, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return RunAsync(() => AudioReader.Open(path, _features.Config.SamplingRate, _ffmpegPath), null, options, new RunState(), cancellationToken);
    }

    /// <inheritdoc/>
    public Task<LanguageDetectionResult> DetectLanguageAsync(AudioData audio, CancellationToken cancellationToken = default)
    {
        var samples = Prepare(audio);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.Run(
            () =>
            {
                using var encoded = Encode(samples.Span[..Math.Min(samples.Length, _features.Config.NSamples)], cancellationToken);
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
        _encoderBatcher?.Dispose();
        _decoder.Dispose();
        _encoder.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"WhisperRecognizer({_modelPath})";

    private static async Task<SpeechRecognitionResult> CollectAsync(IAsyncEnumerable<SpeechSegment> stream)
    {
        var segments = new List<SpeechSegment>();
        await foreach (var segment in stream.ConfigureAwait(false))
        {
            segments.Add(segment);
        }

        var language = ((SegmentStream)stream).Run.Language!;
        return new SpeechRecognitionResult(string.Join(' ', segments.Select(s => s.Text).Where(t => t.Length > 0)), language.Code, language.Probability, segments);
    }

    private Func<IAudioSampleReader> OpenMemory(AudioData audio)
    {
        ArgumentNullException.ThrowIfNull(audio);
        if (audio.Samples.IsEmpty)
        {
            throw new ArgumentException("The audio has no samples; speech recognition needs at least one.", nameof(audio));
        }

        int rate = _features.Config.SamplingRate;
        PolyphaseResampler.CheckInputRate(audio.SampleRate, rate);
        return () =>
        {
            IAudioSampleReader reader = new MemorySampleReader(audio.Samples, audio.SampleRate);
            return audio.SampleRate == rate ? reader : new ResamplingSampleReader(reader, rate);
        };
    }

    private IAsyncEnumerable<SpeechSegment> RunAsync(Func<IAudioSampleReader> open, TimeSpan? duration, SpeechRecognitionOptions? options, RunState run, CancellationToken cancellationToken) =>
        new SegmentStream(run, WindowsAsync(open, duration, options, run, cancellationToken));

    private async IAsyncEnumerable<SpeechSegment> WindowsAsync(Func<IAudioSampleReader> open, TimeSpan? duration, SpeechRecognitionOptions? options, RunState run, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var o = options?.Clone() ?? new SpeechRecognitionOptions();
        int taskToken = TaskToken(o.Task);
        run.Language = ResolveLanguage(o.Language);
        var plan = WhisperDecodingPlan.Resolve(o, _tokens, _tokenizer, _vocabularySize, _textContext, _generation);

        // Fail on bad decoding options before any audio is read or any model runs.
        for (int i = 0; i < plan.Temperatures.Length; i++)
        {
            _ = GenerationSettings.Resolve(_generation, plan.For(i), 4, _limits);
        }

        var config = _features.Config;
        int hop = config.HopLength;
        int windowFrames = config.NSamples / hop;
        var previous = new PromptHistory(plan);
        using var window = new AudioWindowBuffer(open(), config.NSamples);
        var first = await Task.Run(() => window.MoveTo(0, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (first.IsEmpty)
        {
            throw new InputDecodeException("The audio holds no samples; speech recognition needs at least one.");
        }

        if (window.Ended && window.SamplesRead <= config.NSamples)
        {
            // One window: decoded without timestamps unless asked for, as one segment spanning the clip.
            var single = await Task.Run(() => DecodeWindowAsync(first, plan, run, taskToken, o.Timestamps, previous, cancellationToken), cancellationToken).ConfigureAwait(false);
            if (IsSilence(single, plan))
            {
                yield break;
            }

            if (o.Timestamps)
            {
                foreach (var s in Segments(single, 0))
                {
                    yield return s;
                }
            }
            else if (Text(single.Tokens) is { Length: > 0 } text)
            {
                var end = duration ?? TimeSpan.FromSeconds((double)window.SamplesRead / config.SamplingRate);
                yield return new SpeechSegment(TimeSpan.Zero, end, text, single.AverageLogProb, single.NoSpeech, single.Tokens)
                {
                    Temperature = single.Temperature,
                    CompressionRatio = single.CompressionRatio,
                };
            }

            yield break;
        }

        // Long audio: windows of n_samples, each starting where the last complete segment of the previous one ended.
        // Only the current window is in memory: samples are read as the seek moves forward.
        long seek = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long at = seek;
            var decoded = await Task.Run(
                async () =>
                {
                    var samples = window.MoveTo(at * hop, cancellationToken);
                    CheckDuration(window.SamplesRead, config.SamplingRate);
                    long frames = window.Ended ? window.SamplesRead / hop : long.MaxValue;
                    if (at >= frames)
                    {
                        return ((WindowResult?)null, 0);
                    }

                    int size = (int)Math.Min(windowFrames, frames - at);
                    return (await DecodeWindowAsync(samples[..(size * hop)], plan, run, taskToken, true, previous, cancellationToken).ConfigureAwait(false), size);
                },
                cancellationToken).ConfigureAwait(false);
            if (decoded.Item1 is not { } result)
            {
                yield break;
            }

            int windowSize = decoded.Item2;
            if (IsSilence(result, plan))
            {
                seek += windowSize;
                continue;
            }

            double offset = (double)seek * hop / config.SamplingRate;
            foreach (var s in Segments(result, offset))
            {
                previous.Add(s.Tokens);
                if (s.Text.Length > 0)
                {
                    yield return s;
                }
            }

            previous.EndWindow(result.Temperature);
            seek += result.Seek is { } advance ? Math.Max(1, advance * _framesPerStep) : windowSize;
        }
    }

    // openai/whisper: a window is silence when p(no speech) is above the threshold, unless its text is likely enough.
    private static bool IsSilence(WindowResult window, WhisperDecodingPlan plan) =>
        plan.NoSpeechThreshold is { } noSpeech && window.NoSpeech > noSpeech
        && !(plan.LogProbThreshold is { } logProb && window.AverageLogProb > logProb);

    private async Task<WindowResult> DecodeWindowAsync(ReadOnlyMemory<float> samples, WhisperDecodingPlan plan, RunState run, int taskToken, bool timestamps, PromptHistory previous, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _encoderBatcher) is not { } batcher)
        {
            using var outputs = Encode(samples.Span, cancellationToken);
            return DecodeWindow(outputs[0], plan, run, taskToken, timestamps, previous, cancellationToken);
        }

        // The window's features are computed here, on the caller's thread; only the encoder run is shared.
        var features = new float[_features.OutputLength];
        _features.Compute(samples.Span, features);
        var (data, shape) = (await batcher.RunAsync([features], cancellationToken).ConfigureAwait(false))[0];
        using var encoded = OrtValue.CreateTensorValueFromMemory(data, shape);
        return DecodeWindow(encoded, plan, run, taskToken, timestamps, previous, cancellationToken);
    }

    private WindowResult DecodeWindow(OrtValue encoded, WhisperDecodingPlan plan, RunState run, int taskToken, bool timestamps, PromptHistory previous, CancellationToken cancellationToken)
    {
        var detection = Detect(encoded);
        run.Language ??= detection.Language;
        var prompt = new List<int>();
        if (_tokens.StartOfPrevious is { } startOfPrevious && previous.Tokens.Count > 0)
        {
            prompt.Add(startOfPrevious);
            prompt.AddRange(previous.Tokens);
        }

        prompt.Add(_tokens.StartOfTranscript);
        if (_tokens.Languages.Count > 0)
        {
            prompt.Add(run.Language.TokenId);
            prompt.Add(taskToken);
        }

        if (!timestamps)
        {
            prompt.Add(_tokens.NoTimestamps);
        }

        WindowResult? result = null;
        for (int attempt = 0; attempt < plan.Temperatures.Length; attempt++)
        {
            float temperature = plan.Temperatures[attempt];
            var settings = GenerationSettings.Resolve(_generation, plan.For(attempt), prompt.Count, _limits);
            var request = new GenerationRequest
            {
                Prompts = [prompt],
                EncoderHiddenStates = encoded,
                Processors = [new WhisperLogitsProcessor(plan.Tokens, timestamps)],
            };
            var candidates = GenerationEngine.Generate(_decoder, request, settings, cancellationToken).Sequences[0];
            var sequence = temperature > 0 ? candidates.MaxBy(plan.Rank)! : candidates[0];
            var tokens = sequence.EndedWithEos ? sequence.Tokens[..^1] : sequence.Tokens;
            int? seek = timestamps ? WhisperSegmenter.Split(tokens, _tokens.TimestampBegin).Seek : null;
            double ratio = WhisperDecodingPlan.CompressionRatio(Text(tokens));
            result = new WindowResult(tokens, sequence.AverageLogProb, detection.NoSpeech, seek, temperature, ratio);
            if (!NeedsFallback(result, plan))
            {
                break;
            }
        }

        return result!;
    }

    // openai/whisper's decode_with_fallback: too repetitive or too unlikely, unless it is silence.
    private static bool NeedsFallback(WindowResult r, WhisperDecodingPlan plan)
    {
        bool failed = (plan.CompressionRatioThreshold is { } cr && r.CompressionRatio > cr)
            || (plan.LogProbThreshold is { } lp && r.AverageLogProb < lp);
        bool silence = plan.NoSpeechThreshold is { } ns && r.NoSpeech > ns
            && plan.LogProbThreshold is { } lp2 && r.AverageLogProb < lp2;
        return failed && !silence;
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
                tokens)
            {
                Temperature = window.Temperature,
                CompressionRatio = window.CompressionRatio,
            };
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

    private void CheckDuration(long samplesRead, int sampleRate)
    {
        double seconds = (double)samplesRead / sampleRate;
        if (seconds > _maxAudioDuration.TotalSeconds)
        {
            throw new InputTooLargeException(
                string.Create(CultureInfo.InvariantCulture, $"The audio runs past {_maxAudioDuration.TotalSeconds:F0} s, the longest accepted (MultimodalOptions.Limits.MaxAudioDuration)."),
                (long)seconds,
                (long)_maxAudioDuration.TotalSeconds);
        }
    }

    private ReadOnlyMemory<float> Prepare(AudioData audio)
    {
        ArgumentNullException.ThrowIfNull(audio);
        if (audio.Samples.IsEmpty)
        {
            throw new ArgumentException("The audio has no samples; speech recognition needs at least one.", nameof(audio));
        }

        int rate = _features.Config.SamplingRate;
        PolyphaseResampler.CheckInputRate(audio.SampleRate, rate);
        return audio.SampleRate == rate ? audio.Samples : PolyphaseResampler.Resample(audio.Samples.Span, audio.SampleRate, rate);
    }

    /// <summary>
    /// Gathers the encoder runs of concurrent windows into shared batches from now on (<c>UseBatching()</c> on a speech
    /// pipeline). Only an encoder whose output is float32 is batched (the batch is split into float arrays that the
    /// decoder takes as they are); a reduced-precision export keeps one run per window. The first call's settings stay.
    /// </summary>
    void IEncoderBatching.EnableEncoderBatching(BatchingOptions options, string? modelId)
    {
        if (Volatile.Read(ref _encoderBatcher) is not null || _encoder.Outputs["last_hidden_state"].ElementDataType != Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float)
        {
            return;
        }

        var batcher = new MicroBatcher<float[], (float[] Data, long[] Shape)>(
            "whisper.encoder", modelId, options, (batch, ct) => Task.Run<IReadOnlyList<(float[] Data, long[] Shape)>>(() => EncodeBatch(batch, ct), ct));
        if (Interlocked.CompareExchange(ref _encoderBatcher, batcher, null) is not null)
        {
            batcher.Dispose();
        }
    }

    // One encoder run over several windows' features ([n, mel bins, frames]); each window's [1, frames', hidden] back.
    private (float[] Data, long[] Shape)[] EncodeBatch(IReadOnlyList<float[]> windows, CancellationToken cancellationToken)
    {
        int length = _features.OutputLength;
        var features = new float[windows.Count * length];
        for (int i = 0; i < windows.Count; i++)
        {
            windows[i].AsSpan(0, length).CopyTo(features.AsSpan(i * length));
        }

        using var input = OrtValue.CreateTensorValueFromMemory(features, [windows.Count, _features.Config.FeatureSize, _features.FrameCount]);
        using var outputs = _encoder.Run(["input_features"], [input], ["last_hidden_state"], cancellationToken);
        var shape = outputs[0].GetTensorTypeAndShape().Shape;
        if (shape.Length != 3 || shape[0] != windows.Count)
        {
            throw new ModelIncompatibleException(_encoder.FolderPath, _encoder.FileName, $"The encoder of '{_encoder.FolderPath}' returned last_hidden_state of shape [{string.Join(", ", shape)}] for {windows.Count} windows; [{windows.Count}, frames, hidden] was expected.");
        }

        int each = (int)(shape[1] * shape[2]);
        var all = outputs[0].GetTensorDataAsSpan<float>();
        var result = new (float[] Data, long[] Shape)[windows.Count];
        for (int i = 0; i < windows.Count; i++)
        {
            result[i] = (all.Slice(i * each, each).ToArray(), [1, shape[1], shape[2]]);
        }

        return result;
    }

    private IDisposableReadOnlyCollection<OrtValue> Encode(ReadOnlySpan<float> window, CancellationToken cancellationToken)
    {
        int length = _features.OutputLength;
        var features = ArrayPool<float>.Shared.Rent(length);
        try
        {
            _features.Compute(window, features);
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, features.AsMemory(0, length), [1, _features.Config.FeatureSize, _features.FrameCount]);
            return _encoder.Run(["input_features"], [input], ["last_hidden_state"], cancellationToken);
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
            StartOfPrevious = generationJson?.TryGetInt32("prev_sot_token_id") ?? Token("<|startofprev|>"),
            StartOfLm = Token("<|startoflm|>"),
            Languages = languages,
            Suppress = generation.SuppressTokens,
            BeginSuppress = generation.BeginSuppressTokens,
            MaxInitialTimestampIndex = generationJson?.TryGetInt32("max_initial_timestamp_index"),
            TimeStep = (double)features.ChunkLength / maxSource,
        };
    }

    private sealed record LanguageChoice(string Code, int TokenId, float Probability);

    private sealed record Detection(LanguageChoice Language, float[] LanguageProbabilities, float NoSpeech);

    private sealed record WindowResult(int[] Tokens, double AverageLogProb, float NoSpeech, int? Seek, float Temperature, double CompressionRatio);

    // The language of a call: given by the caller, or detected on the first window and kept for the rest.
    private sealed class RunState
    {
        public LanguageChoice? Language { get; set; }
    }

    // The segments of one call, with the call's state for the result once they are all read.
    private sealed class SegmentStream(RunState run, IAsyncEnumerable<SpeechSegment> segments) : IAsyncEnumerable<SpeechSegment>
    {
        public RunState Run { get; } = run;

        public IAsyncEnumerator<SpeechSegment> GetAsyncEnumerator(CancellationToken cancellationToken = default) => segments.GetAsyncEnumerator(cancellationToken);
    }

    // The previous text fed after <|startofprev|>: the initial prompt, then each decoded window's tokens, only the
    // last ones that fit (so memory stays bounded on long audio); it starts over after a high-temperature window.
    private sealed class PromptHistory(WhisperDecodingPlan plan)
    {
        private readonly List<int> _tokens = [.. plan.InitialPrompt.TakeLast(plan.MaxPromptTokens)];

        public IReadOnlyList<int> Tokens => _tokens;

        public void Add(IReadOnlyList<int> tokens)
        {
            _tokens.AddRange(tokens);
            if (_tokens.Count > plan.MaxPromptTokens)
            {
                _tokens.RemoveRange(0, _tokens.Count - plan.MaxPromptTokens);
            }
        }

        public void EndWindow(float temperature)
        {
            if (!plan.ConditionOnPreviousText || temperature > 0.5f)
            {
                _tokens.Clear();
            }
        }
    }
}

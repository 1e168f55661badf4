namespace Multimodal.Sdk.Speech.Tests.Recognition;

/// <summary>Each decoding option of <see cref="SpeechRecognitionOptions"/> changes what the decoder is fed or what comes out, as openai/whisper's.</summary>
public sealed class WhisperDecodingOptionsTests : IDisposable
{
    private const int StartOfTranscript = 529;
    private const int English = 530;
    private const int Transcribe = 533;
    private const int StartOfPrevious = 535;
    private const int NoTimestamps = 537;

    private readonly RecordingDecoder _decoder;
    private readonly WhisperRecognizer _recognizer;

    public WhisperDecodingOptionsTests()
    {
        RecordingDecoder? recording = null;
        _recognizer = new WhisperRecognizer(new OnnxSessionFactory(), TestData.WhisperPath, d => recording = new RecordingDecoder(d));
        _decoder = recording!;
    }

    public void Dispose() => _recognizer.Dispose();

    private static SpeechRecognitionOptions Reference() => new() { Language = "en", Temperatures = [0f], ConditionOnPreviousText = false };

    // Generations only: language detection feeds <|startoftranscript|> alone.
    private List<RecordingDecoder.Run> Generations() => [.. _decoder.Runs.Where(r => r.Prompt.Length > 1)];

    [Fact]
    public async Task InitialPromptIsFedAfterStartOfPreviousBeforeTheTaskTokens()
    {
        var tokenizer = Tokenizer.Load(ModelFolder.Open(TestData.WhisperPath));
        int[] promptTokens = tokenizer.Encode(" turn on the blue light", addSpecialTokens: false);
        var options = Reference();
        options.InitialPrompt = "  turn on the blue light ";
        var result = await _recognizer.TranscribeAsync(TestData.Wav("en_short.wav"), options);

        Assert.Equal([StartOfPrevious, .. promptTokens, StartOfTranscript, English, Transcribe, NoTimestamps], Generations().Single().Prompt);
        Assert.Equal("turn on the blue light", result.Text);
    }

    [Fact]
    public async Task WithoutPromptOptionsTheDecoderSeesOnlyTheTaskTokens()
    {
        await _recognizer.TranscribeAsync(TestData.Wav("en_short.wav"), Reference());
        Assert.Equal([StartOfTranscript, English, Transcribe, NoTimestamps], Generations().Single().Prompt);
    }

    [Fact]
    public async Task PreviousWindowTextPromptsTheNextWindowOnlyWhenConditioningIsOn()
    {
        var audio = TestData.Wav("long_12s.wav");
        var options = Reference();
        options.ConditionOnPreviousText = true;
        var result = await _recognizer.TranscribeAsync(audio, options);
        var windows = Generations();
        Assert.Equal(2, windows.Count);
        Assert.Equal([StartOfTranscript, English, Transcribe], windows[0].Prompt);

        // The second window is prompted with the first window's segment tokens (timestamps included), then the task.
        int[] firstWindowTokens = [.. result.Segments.Where(s => s.Start.TotalSeconds < 10).SelectMany(s => s.Tokens)];
        Assert.Equal([StartOfPrevious, .. firstWindowTokens, StartOfTranscript, English, Transcribe], windows[1].Prompt);

        using var plain = new WhisperDecodingOptionsTests();
        await plain._recognizer.TranscribeAsync(audio, Reference());
        Assert.All(plain.Generations(), g => Assert.Equal([StartOfTranscript, English, Transcribe], g.Prompt));
    }

    [Fact]
    public async Task PreviousTextKeepsOnlyHalfTheContextLessOneTokens()
    {
        var options = Reference();
        options.InitialPrompt = string.Join(' ', Enumerable.Repeat("set a timer for forty two minutes", 20));
        await _recognizer.TranscribeAsync(TestData.Wav("en_short.wav"), options);

        // max_target_positions 128: at most 63 previous tokens.
        var prompt = Generations().Single().Prompt;
        Assert.Equal(StartOfPrevious, prompt[0]);
        Assert.Equal(1 + 63 + 4, prompt.Length);
    }

    [Fact]
    public async Task ForcedLogProbThresholdTriesEveryTemperatureAndKeepsTheLast()
    {
        var options = Reference();
        options.Temperatures = [0f, 0.3f, 0.6f];
        options.LogProbThreshold = 0f;   // no decoding has a positive average log-probability
        options.NoSpeechThreshold = null;
        options.Seed = 7;
        var result = await _recognizer.TranscribeAsync(TestData.Wav("en_short.wav"), options);

        Assert.Equal(3, Generations().Count);
        Assert.Equal(0.6f, Assert.Single(result.Segments).Temperature);
    }

    [Fact]
    public async Task ForcedCompressionRatioThresholdFallsBackToSampling()
    {
        var options = Reference();
        options.Temperatures = [0f, 0.4f];
        options.CompressionRatioThreshold = 0.5f;   // "turn on the blue light" compresses to 22/30 = 0.73
        options.Seed = 3;
        var result = await _recognizer.TranscribeAsync(TestData.Wav("en_short.wav"), options);

        Assert.Equal(2, Generations().Count);
        Assert.Equal(0.4f, Assert.Single(result.Segments).Temperature);
    }

    [Fact]
    public async Task DefaultThresholdsKeepAConfidentGreedyDecoding()
    {
        var result = await _recognizer.TranscribeAsync(TestData.Wav("en_short.wav"), new SpeechRecognitionOptions { Language = "en" });
        var segment = Assert.Single(result.Segments);
        Assert.Equal(0f, segment.Temperature);
        Assert.Equal(22.0 / 30.0, segment.CompressionRatio, 1e-9);
        Assert.Single(Generations());
    }

    [Fact]
    public async Task SamplingDrawsBestOfCandidatesAndBeamSearchRunsOnlyAtTemperatureZero()
    {
        var options = Reference();
        options.Temperatures = [0f, 0.5f];
        options.NumBeams = 3;
        options.BestOf = 4;
        options.LogProbThreshold = 0f;
        options.NoSpeechThreshold = null;
        options.Seed = 11;
        var result = await _recognizer.TranscribeAsync(TestData.Wav("en_short.wav"), options);

        Assert.Equal([3, 4], Generations().Select(g => g.Rows));
        Assert.Equal(0.5f, Assert.Single(result.Segments).Temperature);
    }

    [Fact]
    public async Task BeamSearchAtTemperatureZeroFindsTheReferenceText()
    {
        var options = Reference();
        options.NumBeams = 4;
        var result = await _recognizer.TranscribeAsync(TestData.Wav("en_short.wav"), options);
        Assert.Equal(4, Generations().Single().Rows);
        Assert.Equal("turn on the blue light", result.Text);
    }

    [Fact]
    public async Task HighTemperatureWindowResetsThePromptForTheNextWindow()
    {
        var audio = TestData.Wav("long_12s.wav");
        var options = Reference();
        options.ConditionOnPreviousText = true;
        options.Temperatures = [0f, 0.6f];   // above 0.5: the prompt starts over
        options.LogProbThreshold = 0f;
        options.NoSpeechThreshold = null;
        options.Seed = 5;
        await _recognizer.TranscribeAsync(audio, options);
        Assert.All(Generations(), g => Assert.Equal(StartOfTranscript, g.Prompt[0]));

        using var low = new WhisperDecodingOptionsTests();
        options.Temperatures = [0f, 0.4f];
        await low._recognizer.TranscribeAsync(audio, options);
        Assert.Contains(low.Generations(), g => g.Prompt[0] == StartOfPrevious);
    }

    [Fact]
    public async Task SuppressedTokensNeverAppear()
    {
        var plain = await _recognizer.TranscribeAsync(TestData.Wav("en_short.wav"), Reference());
        int[] banned = [.. plain.Segments.SelectMany(s => s.Tokens).Take(2)];
        var options = Reference();
        options.SuppressTokens = [-1, .. banned];
        var result = await _recognizer.TranscribeAsync(TestData.Wav("en_short.wav"), options);

        var tokens = result.Segments.SelectMany(s => s.Tokens).ToList();
        Assert.DoesNotContain(banned[0], tokens);
        Assert.DoesNotContain(banned[1], tokens);
        Assert.NotEqual(plain.Text, result.Text);
    }

    private static WhisperDecodingPlan Plan(SpeechRecognitionOptions o)
    {
        var folder = ModelFolder.Open(TestData.WhisperPath);
        var tokens = new WhisperTokens
        {
            StartOfTranscript = 529, EndOfText = 528, NoTimestamps = 537, Transcribe = 533, Translate = 532, StartOfPrevious = 535, StartOfLm = 534, NoSpeech = 536,
            Languages = [], TimeStep = 0.02,
        };
        var generation = GenerationConfig.From(folder.TryGetJson("generation_config.json"), folder.Config);
        return WhisperDecodingPlan.Resolve(o, tokens, Tokenizer.Load(folder), 1039, 128, generation);
    }

    [Fact]
    public void MinusOneStandsForTheModelsSuppressTokensAndControlTokensAreAlwaysSuppressed()
    {
        Assert.Equal([529, 532, 533, 534, 535, 536], Plan(new SpeechRecognitionOptions()).Tokens.Suppress);
        Assert.Equal([7, 529, 532, 533, 534, 535, 536], Plan(new SpeechRecognitionOptions { SuppressTokens = [7] }).Tokens.Suppress);
        Assert.Equal([529, 532, 533, 534, 535, 536], Plan(new SpeechRecognitionOptions { SuppressTokens = [] }).Tokens.Suppress);
        Assert.Equal([32], Plan(new SpeechRecognitionOptions()).Tokens.BeginSuppress);
        Assert.Empty(Plan(new SpeechRecognitionOptions { SuppressBlank = false }).Tokens.BeginSuppress);
        Assert.Throws<ArgumentOutOfRangeException>(() => Plan(new SpeechRecognitionOptions { SuppressTokens = [1039] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Plan(new SpeechRecognitionOptions { SuppressTokens = [-2] }));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SuppressBlankBansTheModelsBeginTokensOnTheFirstStepOnly(bool suppressBlank)
    {
        var plan = Plan(new SpeechRecognitionOptions { SuppressBlank = suppressBlank });
        var processor = new WhisperLogitsProcessor(plan.Tokens, timestamps: false);
        int[] prompt = [StartOfTranscript, English, Transcribe, NoTimestamps];
        var first = new float[1039];
        processor.Process(new LogitsContext(prompt, prompt.Length, 0), first);
        var second = new float[1039];
        processor.Process(new LogitsContext([.. prompt, 300], prompt.Length, 0), second);

        Assert.Equal(suppressBlank, float.IsNegativeInfinity(first[32]));
        Assert.False(float.IsNegativeInfinity(second[32]));
        Assert.False(float.IsNegativeInfinity(first[300]));
    }

    [Fact]
    public async Task NoSpeechThresholdSkipsWindowsUnlessTheirTextIsLikely()
    {
        var audio = TestData.Wav("long_12s.wav");
        var skipAll = Reference();
        skipAll.NoSpeechThreshold = 0f;   // every window's no-speech probability is above 0 ...
        skipAll.LogProbThreshold = null;  // ... and no log-probability can save it
        Assert.Empty((await _recognizer.TranscribeAsync(audio, skipAll)).Segments);

        var saved = Reference();
        saved.NoSpeechThreshold = 0f;     // a confident decoding (average log-probability above -1) is kept
        Assert.Equal(
            (await _recognizer.TranscribeAsync(audio, Reference())).Text,
            (await _recognizer.TranscribeAsync(audio, saved)).Text);
    }

    [Fact]
    public async Task NoiseWindowIsSkippedAsSilence()
    {
        var random = new Random(1);
        var noise = new float[16000 * 25];
        for (int i = 0; i < noise.Length; i++)
        {
            noise[i] = (float)((random.NextDouble() - 0.5) * 0.02);
        }

        var result = await _recognizer.TranscribeAsync(new AudioData(noise, 16000), new SpeechRecognitionOptions { Timestamps = true });
        Assert.Empty(result.Segments);
        Assert.Equal(string.Empty, result.Text);
    }

    [Theory]
    [InlineData("turn on the blue light", 22.0 / 30.0)]
    [InlineData("set a timer for set a timer for set a timer for set a timer for set a timer for set a timer for", 95.0 / 27.0)]
    [InlineData("cierra la puerta círculo", 25.0 / 33.0)]
    [InlineData("", 0.0)]
    public void CompressionRatioEqualsPythonZlib(string text, double expected) =>
        Assert.Equal(expected, WhisperDecodingPlan.CompressionRatio(text), 1e-9);

    [Fact]
    public async Task OutOfRangeFallbackSettingsAreRejectedBeforeAnyModelRuns()
    {
        var audio = TestData.Wav("en_short.wav");
        await Assert.ThrowsAsync<ArgumentException>(() => _recognizer.TranscribeAsync(audio, new SpeechRecognitionOptions { Temperatures = [] }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _recognizer.TranscribeAsync(audio, new SpeechRecognitionOptions { Temperatures = [0f, -0.2f] }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _recognizer.TranscribeAsync(audio, new SpeechRecognitionOptions { BestOf = 0 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _recognizer.TranscribeAsync(audio, new SpeechRecognitionOptions { NoSpeechThreshold = 1.5f }));
        Assert.Empty(_decoder.Runs);
    }

    [Fact]
    public void CloneCopiesTheLists()
    {
        var options = new SpeechRecognitionOptions { Temperatures = [0f, 0.5f], SuppressTokens = [-1, 3], InitialPrompt = "x", BestOf = 2 };
        SpeechRecognitionOptions copy = options.Clone();
        Assert.NotSame(options.Temperatures, copy.Temperatures);
        Assert.Equal(options.Temperatures, copy.Temperatures);
        Assert.Equal(options.SuppressTokens, copy.SuppressTokens);
        Assert.Equal("x", copy.InitialPrompt);
        Assert.Equal(2, copy.BestOf);
    }

    [Fact]
    public void OptionsOfferNoSamplingKnobsBesideTheTemperatureFallback()
    {
        // The sampling temperature is the Temperatures sequence; GenerationOptions' DoSample / Temperature /
        // NumReturnSequences have no meaning here, so the type does not carry them.
        Assert.False(typeof(GenerationOptions).IsAssignableFrom(typeof(SpeechRecognitionOptions)));
        var names = typeof(SpeechRecognitionOptions).GetProperties().Select(p => p.Name).ToHashSet();
        Assert.DoesNotContain("DoSample", names);
        Assert.DoesNotContain("Temperature", names);
        Assert.DoesNotContain("NumReturnSequences", names);
        Assert.Equal(typeof(SpeechRecognitionOptions), typeof(SpeechRecognitionOptions).GetMethod(nameof(SpeechRecognitionOptions.Clone))!.ReturnType);
    }

    [Fact]
    public void EveryDecodingKnobReachesTheGenerationSettingsOfEachAttempt()
    {
        var plan = Plan(new SpeechRecognitionOptions
        {
            Temperatures = [0f, 0.5f], BestOf = 3, MaxNewTokens = 9, NumBeams = 2, LengthPenalty = 0.5f, EarlyStopping = true,
            TopK = 4, TopP = 0.9f, Seed = 1, RepetitionPenalty = 1.1f, NoRepeatNgramSize = 3,
        });
        var greedy = plan.For(0);
        var sampled = plan.For(1);
        Assert.Equal((false, null, 2, 1), (greedy.DoSample, greedy.Temperature, greedy.NumBeams, greedy.NumReturnSequences));
        Assert.Equal((true, 0.5f, 1, 3), (sampled.DoSample, sampled.Temperature, sampled.NumBeams, sampled.NumReturnSequences));
        foreach (var g in new[] { greedy, sampled })
        {
            Assert.Equal((9, 0.5f, true, 4, 0.9f, 1, 1.1f, 3), (g.MaxNewTokens, g.LengthPenalty, g.EarlyStopping, g.TopK, g.TopP, g.Seed, g.RepetitionPenalty, g.NoRepeatNgramSize));
        }
    }
}

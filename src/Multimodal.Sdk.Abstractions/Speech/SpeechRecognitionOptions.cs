namespace Multimodal.Sdk;

/// <summary>
/// Per-call speech recognition settings: language, task, timestamps, and Whisper's decoding rules as openai/whisper's
/// <c>transcribe()</c> applies them (temperature fallback, quality thresholds, prompts, token suppression), and the
/// decoding knobs of <see cref="GenerationOptions"/> that apply to it (names and meanings as there). It does not derive
/// from <see cref="GenerationOptions"/>: the sampling temperature is <see cref="Temperatures"/>, a fallback sequence,
/// so <c>DoSample</c>, <c>Temperature</c> and <c>NumReturnSequences</c> have no place here.
/// </summary>
/// <remarks>
/// <para>
/// Each window is decoded at the first temperature of <see cref="Temperatures"/>: greedily at 0 (beam search when
/// <see cref="NumBeams"/> is above 1), by sampling <see cref="BestOf"/> candidates above 0 (the one with the best
/// length-normalized log-probability is kept; <see cref="TopK"/>, <see cref="TopP"/> and <see cref="Seed"/> apply). The window is decoded again
/// at the next temperature while its text compresses better than <see cref="CompressionRatioThreshold"/> (a
/// repetition loop) or its average log-probability is below <see cref="LogProbThreshold"/>, unless its no-speech
/// probability is above <see cref="NoSpeechThreshold"/> (then the low log-probability is taken as silence).
/// </para>
/// <para>Not safe for concurrent mutation; pipelines copy it (lists included) at the start of a call.</para>
/// </remarks>
public class SpeechRecognitionOptions
{
    /// <summary>Gets or sets the most tokens to generate per window after the prompt; <see langword="null"/> for the model's default.</summary>
    public int? MaxNewTokens { get; set; }

    /// <summary>Gets or sets the number of beams at temperature 0; 1 is greedy, more is beam search. <see langword="null"/> for the model's default.</summary>
    public int? NumBeams { get; set; }

    /// <summary>
    /// Gets or sets the exponent applied to the sequence length when beam scores and sampled candidates are compared
    /// (1 = average log-probability, 0 = sum); <see langword="null"/> divides by the length, as openai/whisper.
    /// </summary>
    public float? LengthPenalty { get; set; }

    /// <summary>Gets or sets a value indicating whether beam search stops as soon as <see cref="NumBeams"/> finished sequences exist.</summary>
    public bool? EarlyStopping { get; set; }

    /// <summary>Gets or sets how many most likely tokens sampling keeps (0 keeps all), at temperatures above 0.</summary>
    public int? TopK { get; set; }

    /// <summary>Gets or sets the cumulative probability of the most likely tokens that sampling keeps (1 keeps all), at temperatures above 0.</summary>
    public float? TopP { get; set; }

    /// <summary>Gets or sets the random seed for sampling; the same seed gives the same output.</summary>
    public int? Seed { get; set; }

    /// <summary>Gets or sets the penalty for tokens already generated (1 = none; the CTRL formulation).</summary>
    public float? RepetitionPenalty { get; set; }

    /// <summary>Gets or sets the size of n-grams that may not occur twice (0 = no restriction).</summary>
    public int? NoRepeatNgramSize { get; set; }

    /// <summary>
    /// Gets or sets the spoken language as the model's code (<c>"en"</c>, <c>"es"</c>, ...), or <see langword="null"/>
    /// (or <c>"auto"</c>) to detect it from the first window. Default: <see langword="null"/>.
    /// </summary>
    public string? Language { get; set; }

    /// <summary>Gets or sets whether to transcribe or translate to English. Default: <see cref="SpeechTask.Transcribe"/>.</summary>
    public SpeechTask Task { get; set; } = SpeechTask.Transcribe;

    /// <summary>
    /// Gets or sets a value indicating whether segments carry the model's own start and end times. Without them a
    /// single-window clip is decoded with <c>&lt;|notimestamps|&gt;</c> as one segment spanning the clip; audio longer
    /// than one window is always decoded with timestamps, because seeking needs them. Default: <see langword="false"/>.
    /// </summary>
    public bool Timestamps { get; set; }

    /// <summary>
    /// Gets or sets the temperatures tried in turn for each window until one passes the thresholds: 0 is greedy (or
    /// beam search), above 0 samples <see cref="BestOf"/> candidates. Every value must be 0 or more and finite, and the
    /// list non-empty. Default: 0, 0.2, 0.4, 0.6, 0.8, 1.0 (openai/whisper's). <c>[0]</c> turns the fallback off.
    /// </summary>
    public IReadOnlyList<float> Temperatures { get; set; } = [0f, 0.2f, 0.4f, 0.6f, 0.8f, 1.0f];

    /// <summary>
    /// Gets or sets how many candidates are sampled at a temperature above 0; the one with the best log-probability
    /// per token is kept. At least 1. Default: <see langword="null"/>, one candidate (openai/whisper's
    /// <c>transcribe()</c>; its command line uses 5).
    /// </summary>
    public int? BestOf { get; set; }

    /// <summary>
    /// Gets or sets the gzip-style compression ratio (UTF-8 bytes of the window's text over their zlib-compressed size)
    /// above which a decoding counts as a repetition loop and the next temperature is tried; <see langword="null"/>
    /// disables the check. Default: 2.4.
    /// </summary>
    public float? CompressionRatioThreshold { get; set; } = 2.4f;

    /// <summary>
    /// Gets or sets the average log-probability per generated token (the end token included) below which a decoding
    /// counts as failed and the next temperature is tried; <see langword="null"/> disables the check, and the
    /// no-speech skip then looks at the no-speech probability alone. Default: -1.0.
    /// </summary>
    public float? LogProbThreshold { get; set; } = -1.0f;

    /// <summary>
    /// Gets or sets the no-speech probability (of <c>&lt;|nospeech|&gt;</c> after <c>&lt;|startoftranscript|&gt;</c>)
    /// above which a window is taken as silence, unless its average log-probability is above
    /// <see cref="LogProbThreshold"/>: it yields no segment and the next window starts after it.
    /// <see langword="null"/> disables the skip. Default: 0.6.
    /// </summary>
    public float? NoSpeechThreshold { get; set; } = 0.6f;

    /// <summary>
    /// Gets or sets text fed to the first window as if it had been said before (after <c>&lt;|startofprev|&gt;</c>):
    /// spellings, names, style. Only its last tokens fit (half the decoder's context less one, with the previous
    /// text). Default: <see langword="null"/>.
    /// </summary>
    public string? InitialPrompt { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether each window is prompted with the text decoded so far (after
    /// <c>&lt;|startofprev|&gt;</c>, its last tokens up to half the decoder's context less one). The prompt starts over
    /// after a window that needed a temperature above 0.5. Turning it off makes windows independent: less consistent
    /// text, but no repetition loop carried from window to window. Default: <see langword="false"/>, as Hugging Face
    /// transformers' Whisper <c>generate</c> (<c>condition_on_prev_tokens</c>); openai/whisper's <c>transcribe()</c>
    /// defaults to <see langword="true"/>. A model trained without timestamped prompts (the bundled tiny-whisper) loses
    /// its long-form timing with it.
    /// </summary>
    public bool ConditionOnPreviousText { get; set; }

    /// <summary>
    /// Gets or sets the token ids never generated. <c>-1</c> stands for the model's own <c>suppress_tokens</c>
    /// (from <c>generation_config.json</c>); the task, language-model, previous-text, start and no-speech tokens are
    /// suppressed whatever the list holds. Ids must be -1 or valid token ids. Default: <c>[-1]</c>.
    /// </summary>
    public IReadOnlyList<int> SuppressTokens { get; set; } = [-1];

    /// <summary>
    /// Gets or sets a value indicating whether the text may not start with a blank: on the first generated token the model's
    /// <c>begin_suppress_tokens</c> are banned (real exports list the space and <c>&lt;|endoftext|&gt;</c>, as
    /// openai/whisper's <c>suppress_blank</c> does; a model without that list gets the space and the end token).
    /// Default: <see langword="true"/>.
    /// </summary>
    public bool SuppressBlank { get; set; } = true;

    /// <summary>Copies the options, lists included.</summary>
    /// <returns>A copy that can be changed without affecting this one.</returns>
    public virtual SpeechRecognitionOptions Clone()
    {
        var copy = (SpeechRecognitionOptions)MemberwiseClone();
        copy.Temperatures = Temperatures is null ? null! : [.. Temperatures];
        copy.SuppressTokens = SuppressTokens is null ? null! : [.. SuppressTokens];
        return copy;
    }
}

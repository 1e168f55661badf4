using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Multimodal.Sdk;

/// <summary>
/// <c>POST /v1/audio/transcriptions</c> and <c>/v1/audio/translations</c> over the registered
/// <see cref="ISpeechRecognizer"/>: OpenAI's multipart form and its five response formats.
/// </summary>
internal static class AudioEndpoints
{
    private const int WhisperSampleRate = 16000;

    // OpenAI's verbose_json names the language in English words; the model speaks ISO 639-1 codes.
    private static readonly Dictionary<string, string> LanguageNames = new(StringComparer.Ordinal)
    {
        ["en"] = "english", ["es"] = "spanish", ["fr"] = "french", ["de"] = "german", ["it"] = "italian", ["pt"] = "portuguese",
        ["nl"] = "dutch", ["ru"] = "russian", ["zh"] = "chinese", ["ja"] = "japanese", ["ko"] = "korean", ["ar"] = "arabic",
        ["hi"] = "hindi", ["pl"] = "polish", ["tr"] = "turkish", ["uk"] = "ukrainian", ["sv"] = "swedish", ["ca"] = "catalan",
    };

    public static Task TranscribeAsync(HttpContext context) => HandleAsync(context, SpeechTask.Transcribe);

    public static Task TranslateAsync(HttpContext context) => HandleAsync(context, SpeechTask.Translate);

    private static async Task HandleAsync(HttpContext context, SpeechTask task)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptionsMonitor<MultimodalServerOptions>>().CurrentValue;
        var form = await FormInput.ReadAsync(context).ConfigureAwait(false);
        string model = form.RequiredString("model");
        var recognizer = ServedModels.Resolve<ISpeechRecognizer>(services, options, model, options.SpeechModel, "speech recognition model");
        var file = form.RequiredFile("file");
        string format = form.String("response_format") ?? "json";
        if (format is not ("json" or "text" or "srt" or "vtt" or "verbose_json"))
        {
            throw ApiError.BadRequest($"Unsupported response_format '{format}': use json, text, srt, vtt or verbose_json.", "response_format");
        }

        var granularities = form.Strings("timestamp_granularities[]").Concat(form.Strings("timestamp_granularities")).ToList();
        if (granularities.FirstOrDefault(g => g != "segment") is { } unsupported)
        {
            throw ApiError.BadRequest($"Unsupported timestamp granularity '{unsupported}': this server gives segment timestamps.", "timestamp_granularities[]");
        }

        var recognition = new SpeechRecognitionOptions
        {
            Task = task,
            Language = task == SpeechTask.Transcribe ? form.String("language") : null,
            InitialPrompt = form.String("prompt"),
            Timestamps = format is "srt" or "vtt" or "verbose_json" || granularities.Count > 0,
        };
        if (form.Float("temperature", 0, 1) is > 0 and var t)
        {
            // OpenAI: 0 (the default) lets the model raise the temperature on failed decodes; a positive value is fixed.
            recognition.Temperatures = [t];
        }

        AudioData audio;
        using (var stream = file.OpenReadStream())
        {
            audio = AudioFile.Read(stream, WhisperSampleRate, cancellationToken: context.RequestAborted);
        }

        var result = await recognizer.TranscribeAsync(audio, recognition, context.RequestAborted).ConfigureAwait(false);
        IResult response = format switch
        {
            "text" => Results.Text(result.Text + "\n", "text/plain; charset=utf-8"),
            "srt" => Results.Text(Subtitles.ToSrt(result.Segments), "application/x-subrip; charset=utf-8"),
            "vtt" => Results.Text(Subtitles.ToWebVtt(result.Segments), "text/vtt; charset=utf-8"),
            "verbose_json" => Results.Text(Verbose(result, audio, task).ToJsonString(ServerJson.Options), "application/json"),
            _ => Results.Text(new JsonObject { ["text"] = result.Text }.ToJsonString(ServerJson.Options), "application/json"),
        };
        await response.ExecuteAsync(context).ConfigureAwait(false);
    }

    private static JsonObject Verbose(SpeechRecognitionResult result, AudioData audio, SpeechTask task)
    {
        var segments = new JsonArray();
        int id = 0;
        foreach (var s in result.Segments)
        {
            segments.Add(new JsonObject
            {
                ["id"] = id++,
                ["seek"] = (int)(s.Start.TotalSeconds * 100),
                ["start"] = Math.Round(s.Start.TotalSeconds, 3),
                ["end"] = Math.Round(s.End.TotalSeconds, 3),
                ["text"] = s.Text,
                ["tokens"] = new JsonArray([.. s.Tokens.Select(x => (JsonNode)x)]),
                ["temperature"] = s.Temperature,
                ["avg_logprob"] = s.AverageLogProb,
                ["compression_ratio"] = s.CompressionRatio,
                ["no_speech_prob"] = s.NoSpeechProbability,
            });
        }

        return new JsonObject
        {
            ["task"] = task == SpeechTask.Translate ? "translate" : "transcribe",
            ["language"] = LanguageNames.GetValueOrDefault(result.Language, result.Language),
            ["duration"] = Math.Round(audio.Duration.TotalSeconds, 3),
            ["text"] = result.Text,
            ["segments"] = segments,
        };
    }
}

using System.Globalization;
using Multimodal.Sdk;

namespace Multimodal.Cli;

/// <summary><c>mm vad</c>: where speech is in each clip (Silero VAD).</summary>
internal static class VadCommand
{
    /// <summary>The bundled Silero VAD folder: the model is copied there at build time when tools/fetch-test-assets.sh has fetched it.</summary>
    public const string BundledModelName = "silero-vad";

    public static async Task<int> RunAsync(CliConsole io, CliArguments options, CancellationToken cancellationToken)
    {
        var clips = options.Inputs("--audio");
        var detection = Options(options);
        using var detector = Open(io, options.Get("--model"));
        return await Batch.RunAsync(io, options, clips, "audio", ["audio", "speech", "probability"], async (clip, progress) =>
        {
            var audio = SpeechCommands.ReadAudio(clip, cancellationToken);
            double seconds = audio.Duration.TotalSeconds;
            var regions = new List<VoiceActivityRegion>();
            await foreach (var region in detector.DetectStreamingAsync(audio, detection, cancellationToken))
            {
                regions.Add(region);
                progress?.Invoke(seconds > 0 ? region.End.TotalSeconds / seconds : 1);
            }

            var row = new { audio = clip, speech = regions.Select(r => new { start = r.Start.TotalSeconds, end = r.End.TotalSeconds }) };
            IReadOnlyList<string[]> cells = regions.Count == 0
                ? [[clip, "(no speech)", string.Empty]]
                : [.. regions.Select(r => new[] { clip, $"{Seconds(r.Start)} -> {Seconds(r.End)}", r.Probability.ToString("F2", CultureInfo.InvariantCulture) })];
            return new BatchItem(row, cells);
        }, cancellationToken);
    }

    /// <summary>Opens the detector at <paramref name="path"/>, or the bundled one; a missing bundled model says how to fetch it.</summary>
    public static SileroVoiceActivityDetector Open(CliConsole io, string? path)
    {
        string model = path ?? io.BundledModel(BundledModelName);
        if (path is null && !Directory.Exists(model))
        {
            throw new ModelNotFoundException(model, null, $"The Silero VAD model is not beside mm ({model}): run tools/fetch-test-assets.sh and build again, or give --model FILE (silero_vad_v5.onnx).");
        }

        return new SileroVoiceActivityDetector(model);
    }

    public static VoiceActivityOptions? Options(CliArguments options) =>
        options.GetFloat("--threshold") is { } threshold ? new VoiceActivityOptions { Threshold = threshold } : null;

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture);
}

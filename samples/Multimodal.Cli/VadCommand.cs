using System.CommandLine;
using System.Globalization;
using Multimodal.Sdk;

namespace Multimodal.Cli;

/// <summary><c>mm vad</c>: where speech is in each clip (Silero VAD).</summary>
internal static class VadCommand
{
    /// <summary>The bundled Silero VAD folder: the model is copied there at build time when tools/fetch-test-assets.sh has fetched it.</summary>
    public const string BundledModelName = "silero-vad";

    public static Command Create(CliConsole io)
    {
        var audio = CliOptions.Audio();
        var threshold = CliOptions.Number("--threshold", "Speech probability above which a frame is speech (default 0.5).");
        var model = CliOptions.Model("Silero VAD v5 (tools/fetch-test-assets.sh)", "F");
        model.Description = "A Silero VAD v5 .onnx file or a folder holding one (default: the bundled one, installed by tools/fetch-test-assets.sh).";
        var json = CliOptions.Json();
        var command = new Command("vad", "Voice activity detection (Silero VAD v5): where the speech is in each clip.")
        {
            audio, threshold, model, json,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            io, parse.AudioFiles(audio), parse.GetValue(threshold), parse.GetValue(model), parse.GetValue(json), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole io, List<string> clips, float? threshold, string? model, bool json, CancellationToken cancellationToken)
    {
        var detection = threshold is { } t ? new VoiceActivityOptions { Threshold = t } : null;
        using var detector = Open(io, model);
        return await Batch.RunAsync(io, json, clips, "audio", ["audio", "speech", "probability"], async (clip, progress) =>
        {
            var audio = TranscribeCommand.ReadAudio(clip, cancellationToken);
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

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture);
}

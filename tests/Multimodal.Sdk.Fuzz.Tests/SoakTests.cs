using System.Diagnostics;
using Xunit.Abstractions;

namespace Multimodal.Sdk.Fuzz.Tests;

/// <summary>
/// Mixed concurrent requests (CLIP, captions, VQA, transcription on the tiny models) give the sequential results, and
/// working-set memory over the second half is flat. SOAK_REQUESTS sets the requests per thread (default 40; 500 for
/// the full soak in docs/reliability.md).
/// </summary>
public sealed class SoakTests(ITestOutputHelper output)
{
    private const int Threads = 8;

    private static string Models => Path.Combine(Seeds.RepoRoot, "models");

    private static readonly string[] Images =
        [.. Directory.EnumerateFiles(Path.Combine(Seeds.RepoRoot, "tests", "fixtures", "Vision", "shapes-s777"), "*.png").Order(StringComparer.Ordinal).Take(4)];

    private static readonly string Speech = Path.Combine(Seeds.RepoRoot, "samples", "Multimodal.Cli", "assets", "speech-en-turn-on-the-blue-light.wav");

    [Fact]
    public async Task ConcurrentMixedRequestsGiveTheSequentialResultsWithFlatMemory()
    {
        int perThread = FuzzTests.Count("SOAK_REQUESTS", 40);
        using var clip = new ClipEncoder(Path.Combine(Models, "tiny-clip"));
        using var captioner = new ImageCaptioner(Path.Combine(Models, "tiny-captioner"));
        using var vqa = new VisualQa(Path.Combine(Models, "tiny-vlm"));
        using var whisper = new WhisperRecognizer(Path.Combine(Models, "tiny-whisper"));
        var audio = AudioFile.Read(Speech);

        async Task<string> RunAsync(int request)
        {
            var image = ImageData.FromFile(Images[request / 4 % Images.Length]);
            return (request % 4) switch
            {
                0 => string.Join(',', (await clip.EmbedImageAsync(image)).Vector.ToArray().Select(v => MathF.Round(v, 4))),
                1 => (await captioner.CaptionAsync([image]))[0].Captions[0].Text,
                2 => (await vqa.AnswerAsync(image, "what shape is it?")).Answer,
                _ => (await whisper.TranscribeAsync(audio, new SpeechRecognitionOptions { Language = "en" })).Text,
            };
        }

        var expected = new Dictionary<int, string>();
        for (int k = 0; k < 4 * Images.Length; k++)
        {
            expected[k] = await RunAsync(k);
        }

        var samples = new List<(int Done, long WorkingSet)>();
        int done = 0;
        var mismatches = new List<string>();
        var gate = new Lock();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Run(async () =>
        {
            for (int i = 0; i < perThread; i++)
            {
                int request = ((t * 7) + i) % expected.Count;
                string actual = await RunAsync(request);
                lock (gate)
                {
                    if (actual != expected[request])
                    {
                        mismatches.Add($"request {request}: '{actual}' vs sequential '{expected[request]}'");
                    }

                    done++;
                    if (done > Threads * perThread / 2)
                    {
                        samples.Add((done, Process.GetCurrentProcess().WorkingSet64));
                    }
                }
            }
        })));

        double slope = Slope(samples);
        output.WriteLine($"{Threads} threads x {perThread} requests in {watch.Elapsed.TotalSeconds:F1} s; working set over the second half: {samples.Min(s => s.WorkingSet) >> 20}..{samples.Max(s => s.WorkingSet) >> 20} MB, slope {slope / 1024:F1} KB per request");
        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches.Take(10)));

        // Loose gate (the working set is noisy over a short run): a leaked image buffer or KV cache per request is megabytes.
        Assert.True(slope < 1024 * 1024, $"working set grows {slope / 1024:F0} KB per request over the second half");
    }

    [Fact]
    public async Task DisposingAPipelineWhileRequestsRunCompletesThemOrThrowsObjectDisposed()
    {
        var captioner = new ImageCaptioner(Path.Combine(Models, "tiny-captioner"));
        var image = ImageData.FromFile(Images[0]);
        var requests = Enumerable.Range(0, 16).Select(_ => Task.Run(() => captioner.CaptionAsync([image], new CaptionOptions { NumBeams = 4 }))).ToList();
        await Task.WhenAny(requests);
        captioner.Dispose();

        int completed = 0, disposed = 0;
        foreach (var request in requests)
        {
            try
            {
                await request;
                completed++;
            }
            catch (ObjectDisposedException)
            {
                disposed++;
            }
        }

        output.WriteLine($"{completed} completed, {disposed} ObjectDisposedException");
        Assert.Equal(16, completed + disposed);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => captioner.CaptionAsync([image]));
    }

    private static double Slope(List<(int Done, long WorkingSet)> samples)
    {
        if (samples.Count < 2)
        {
            return 0;
        }

        double mx = samples.Average(s => s.Done), my = samples.Average(s => (double)s.WorkingSet);
        double num = samples.Sum(s => (s.Done - mx) * (s.WorkingSet - my));
        double den = samples.Sum(s => (s.Done - mx) * (s.Done - mx));
        return den == 0 ? 0 : num / den;
    }
}

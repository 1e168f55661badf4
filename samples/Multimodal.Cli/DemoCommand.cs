using System.Diagnostics;
using Microsoft.Extensions.AI;
using Multimodal.Sdk;

namespace Multimodal.Cli;

/// <summary><c>mm demo</c>: each capability on the bundled tiny models and sample inputs.</summary>
internal static class DemoCommand
{
    public static async Task<int> RunAsync(CliConsole io, CliArguments options, CancellationToken cancellationToken)
    {
        string assets = Path.Combine(io.AppDirectory, "assets");
        string[] imageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];
        var files = Directory.EnumerateFiles(assets).Order(StringComparer.Ordinal).ToList();
        var images = files.Where(f => imageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant())).ToList();
        var clips = files.Where(f => Path.GetExtension(f).Equals(".wav", StringComparison.OrdinalIgnoreCase)).ToList();
        io.Out.WriteLine($"Multimodal.Sdk demo on the bundled tiny models ({images.Count} sample images and {clips.Count} speech clips in {assets})");
        io.Out.WriteLine();

        var watch = Stopwatch.StartNew();
        using (var clip = new ClipEncoder(options.Get("--clip") ?? io.BundledModel("tiny-clip")))
        {
            io.Out.WriteLine($"CLIP zero-shot classification over 40 labels (loaded in {watch.ElapsedMilliseconds} ms):");
            watch.Restart();
            var results = await clip.ClassifyAsync(images.Select(ImageData.FromFile).ToList(), ShapesWorld.Labels, new ZeroShotOptions { TopK = 3 }, cancellationToken);
            foreach (var (image, result) in images.Zip(results))
            {
                io.Out.WriteLine($"  {Path.GetFileName(image),-36} {string.Join(", ", result.Labels.Select(l => $"{l.Label} {l.Score:P0}"))}");
            }

            io.Out.WriteLine($"  ({watch.ElapsedMilliseconds} ms for {images.Count} images)");
        }

        io.Out.WriteLine();
        watch.Restart();
        using (var captioner = new ImageCaptioner(options.Get("--captioner") ?? io.BundledModel("tiny-captioner")))
        {
            io.Out.WriteLine($"Image captioning, greedy and beam search (loaded in {watch.ElapsedMilliseconds} ms):");
            watch.Restart();
            var greedy = await captioner.CaptionAsync(images.Select(ImageData.FromFile).ToList(), cancellationToken: cancellationToken);
            var beams = await captioner.CaptionAsync(ImageData.FromFile(images[0]), new CaptionOptions { NumBeams = 3, NumReturnSequences = 3 }, cancellationToken);
            foreach (var (image, result) in images.Zip(greedy))
            {
                io.Out.WriteLine($"  {Path.GetFileName(image),-36} \"{result.Text}\"");
            }

            io.Out.WriteLine($"  beam search (3 beams) on {Path.GetFileName(images[0])}: {string.Join(" | ", beams.Captions.Select(c => $"\"{c.Text}\" ({c.Score:F2})"))}");
            io.Out.WriteLine($"  ({watch.ElapsedMilliseconds} ms)");
        }

        io.Out.WriteLine();
        watch.Restart();
        using (var qa = new VisualQa(options.Get("--vlm") ?? io.BundledModel("tiny-vlm")))
        {
            io.Out.WriteLine($"Visual question answering, the image encoded once per image (loaded in {watch.ElapsedMilliseconds} ms):");
            watch.Restart();
            string[] questions = ["how many shapes are there?", "is there a blue square?", "describe the image."];
            foreach (var image in images)
            {
                var answers = await qa.AnswerAsync(ImageData.FromFile(image), questions, cancellationToken: cancellationToken);
                io.Out.WriteLine($"  {Path.GetFileName(image),-36} {string.Join(" | ", answers.Select(a => $"{a.Question} {a.Answer}"))}");
            }

            io.Out.WriteLine($"  ({watch.ElapsedMilliseconds} ms)");
        }

        io.Out.WriteLine();
        watch.Restart();
        using (var recognizer = new WhisperRecognizer(options.Get("--whisper") ?? io.BundledModel("tiny-whisper")))
        {
            io.Out.WriteLine($"Speech recognition with language detection, and translation to English (loaded in {watch.ElapsedMilliseconds} ms):");
            watch.Restart();
            foreach (var clip in clips)
            {
                var audio = AudioFile.Read(clip);
                var result = await recognizer.TranscribeAsync(audio, new SpeechRecognitionOptions { Timestamps = true }, cancellationToken);
                string times = result.Segments.Count > 0 ? $"[{result.Segments[0].Start.TotalSeconds:F2}-{result.Segments[^1].End.TotalSeconds:F2} s]" : "[no speech]";
                io.Out.WriteLine($"  {Path.GetFileName(clip),-36} {result.Language} ({result.LanguageProbability:P0}) {times} \"{result.Text}\"");
                if (result.Language != "en")
                {
                    var english = await recognizer.TranscribeAsync(audio, new SpeechRecognitionOptions { Language = result.Language, Task = SpeechTask.Translate }, cancellationToken);
                    io.Out.WriteLine($"  {string.Empty,-36} translated: \"{english.Text}\"");
                }
            }

            io.Out.WriteLine($"  ({watch.ElapsedMilliseconds} ms for {clips.Count} clips)");
        }

        io.Out.WriteLine();
        if (!Directory.Exists(io.BundledModel(VadCommand.BundledModelName)) && options.Get("--vad") is null)
        {
            io.Out.WriteLine("Voice activity detection: skipped, the Silero VAD model is not installed (tools/fetch-test-assets.sh, then build again).");
        }
        else
        {
            watch.Restart();
            using var vad = VadCommand.Open(io, options.Get("--vad"));
            io.Out.WriteLine($"Voice activity detection, Silero VAD v5 (loaded in {watch.ElapsedMilliseconds} ms):");
            watch.Restart();
            foreach (var clip in clips)
            {
                var regions = await vad.DetectAsync(AudioFile.Read(clip), cancellationToken: cancellationToken);
                io.Out.WriteLine($"  {Path.GetFileName(clip),-36} speech {string.Join(", ", regions.Select(r => $"{r.Start.TotalSeconds:F2}-{r.End.TotalSeconds:F2} s"))}");
            }

            io.Out.WriteLine($"  ({watch.ElapsedMilliseconds} ms for {clips.Count} clips; `mm transcribe --vad` decodes only these regions)");
        }

        io.Out.WriteLine();
        watch.Restart();
        using (var chat = new VisionChatClient(options.Get("--vlm") ?? io.BundledModel("tiny-vlm")))
        {
            io.Out.WriteLine($"Vision chat (IChatClient), two turns about {Path.GetFileName(images[^1])}, streamed (loaded in {watch.ElapsedMilliseconds} ms):");
            watch.Restart();
            var image = new DataContent(await File.ReadAllBytesAsync(images[^1], cancellationToken), images[^1].EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? "image/png" : "image/jpeg");
            var history = new List<ChatMessage>();
            // tiny-vlm learnt single turns only (models/README.md): a size question is one it still answers with a turn in its history
            foreach (var question in new[] { "describe the image.", "is the circle large or small?" })
            {
                history.Add(history.Count == 0 ? new ChatMessage(ChatRole.User, [image, new TextContent(question)]) : new ChatMessage(ChatRole.User, question));
                io.Out.Write($"  user: {question}  assistant: ");
                var reply = new System.Text.StringBuilder();
                await foreach (var update in chat.GetStreamingResponseAsync(history, cancellationToken: cancellationToken))
                {
                    io.Out.Write(update.Text);
                    reply.Append(update.Text);
                }

                io.Out.WriteLine();
                history.Add(new ChatMessage(ChatRole.Assistant, reply.ToString()));
            }

            io.Out.WriteLine($"  ({watch.ElapsedMilliseconds} ms; `mm chat` for your own conversation)");
        }

        return 0;
    }
}

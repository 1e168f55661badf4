using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using Multimodal.Sdk;

namespace Multimodal.Cli;

/// <summary>
/// <c>mm demo</c>: each capability on the bundled tiny models and sample inputs. Every model, input, label and
/// question can be replaced from the command line (today's as defaults), so the demo runs on a user's own models.
/// </summary>
internal static class DemoCommand
{
    /// <summary>The visual questions asked of every image by default.</summary>
    public static readonly string[] DefaultQuestions = ["how many shapes are there?", "is there a blue square?", "describe the image."];

    /// <summary>The two chat turns by default: tiny-vlm learnt single turns only (models/README.md), so the second is a size question it still answers with a turn in its history.</summary>
    public static readonly string[] DefaultChat = ["describe the image.", "is the circle large or small?"];

    private sealed record Settings(
        string? Clip, string? Captioner, string? Vlm, string? Whisper, string? Vad,
        List<string> Images, List<string> Clips, string[] Labels, string[] Questions, string[] Chat)
    {
        public string? Video { get; init; }

        public string? VideoVlm { get; init; }
    }

    public static Command Create(CliConsole io)
    {
        var clip = CliOptions.Path("--clip", "The CLIP model folder (default: the bundled tiny-clip).");
        var captioner = CliOptions.Path("--captioner", "The captioning model folder (default: the bundled tiny-captioner).");
        var vlm = CliOptions.Path("--vlm", "The vision-language model folder for questions and chat (default: the bundled tiny-vlm).");
        var whisper = CliOptions.Path("--whisper", "The Whisper model folder (default: the bundled tiny-whisper).");
        var vad = CliOptions.Path("--vad", "The Silero VAD v5 .onnx file or folder (default: the bundled one, when installed).", "F");
        var images = CliOptions.Images(required: false, "The images (default: the bundled sample images).");
        var audio = CliOptions.Many("--audio", "F", "The speech clips (default: the bundled sample clips).");
        var labels = new Option<string>("--labels") { Description = "The zero-shot labels, comma-separated (default: the 40 colour x shape labels of the bundled models).", HelpName = "\"a,b,c\"" };
        var questions = CliOptions.Many("--question", "Q", $"The questions asked of every image (default: {string.Join(" / ", DefaultQuestions)}).");
        var chat = CliOptions.Many("--chat", "TEXT", $"The chat turns about the last image (default: {string.Join(" / ", DefaultChat)}).");
        var video = CliOptions.Path("--video", "The video for the video line (default: the bundled sample clip).", "F");
        var videoVlm = CliOptions.Path("--video-vlm", "The video-language model folder (default: the bundled tiny-video-vlm).");
        var command = new Command("demo", "Every capability on the bundled models and sample inputs (or on yours: every default can be replaced).")
        {
            clip, captioner, vlm, whisper, vad, images, audio, labels, questions, chat, video, videoVlm,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            string assets = Path.Combine(io.AppDirectory, "assets");
            var files = Directory.Exists(assets) ? Directory.EnumerateFiles(assets).Order(StringComparer.Ordinal).ToList() : [];
            var settings = new Settings(
                parse.GetValue(clip), parse.GetValue(captioner), parse.GetValue(vlm), parse.GetValue(whisper), parse.GetValue(vad),
                parse.Has(images) ? parse.ImageFiles(images) : [.. files.Where(f => CliOptions.ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))],
                parse.Has(audio) ? parse.AudioFiles(audio) : [.. files.Where(f => Path.GetExtension(f).Equals(".wav", StringComparison.OrdinalIgnoreCase))],
                parse.GetValue(labels) is { } list ? list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : ShapesWorld.Labels,
                parse.GetValue(questions) is { Length: > 0 } asked ? asked : DefaultQuestions,
                parse.GetValue(chat) is { Length: > 0 } turns ? turns : DefaultChat)
            {
                Video = parse.GetValue(video) ?? Directory.EnumerateFiles(Path.Combine(assets, "video")).Order(StringComparer.Ordinal).FirstOrDefault(),
                VideoVlm = parse.GetValue(videoVlm),
            };
            if (settings.Images.Count == 0 || settings.Labels.Length == 0)
            {
                throw new CliUsageException("demo needs at least one image and one label");
            }

            return RunAsync(io, settings, parse.Has(images) || parse.Has(audio) ? null : assets, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(CliConsole io, Settings options, string? assets, CancellationToken cancellationToken)
    {
        var images = options.Images;
        var clips = options.Clips;
        io.Out.WriteLine(assets is null
            ? $"Multimodal.Sdk demo ({images.Count} images and {clips.Count} speech clips)"
            : $"Multimodal.Sdk demo on the bundled tiny models ({images.Count} sample images and {clips.Count} speech clips in {assets})");
        io.Out.WriteLine();

        var watch = Stopwatch.StartNew();
        using (var clip = new ClipEncoder(options.Clip ?? io.BundledModel("tiny-clip")))
        {
            io.Out.WriteLine($"CLIP zero-shot classification over {options.Labels.Length} labels (loaded in {watch.ElapsedMilliseconds} ms):");
            watch.Restart();
            var results = await clip.ClassifyAsync(images.Select(ImageData.FromFile).ToList(), options.Labels, new ZeroShotOptions { TopK = 3 }, cancellationToken);
            foreach (var (image, result) in images.Zip(results))
            {
                io.Out.WriteLine($"  {Path.GetFileName(image),-36} {string.Join(", ", result.Labels.Select(l => $"{l.Label} {l.Score:P0}"))}");
            }

            io.Out.WriteLine($"  ({watch.ElapsedMilliseconds} ms for {images.Count} images)");
        }

        io.Out.WriteLine();
        watch.Restart();
        using (var captioner = new ImageCaptioner(options.Captioner ?? io.BundledModel("tiny-captioner")))
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
        using (var qa = new VisualQa(options.Vlm ?? io.BundledModel("tiny-vlm")))
        {
            io.Out.WriteLine($"Visual question answering, the image encoded once per image (loaded in {watch.ElapsedMilliseconds} ms):");
            watch.Restart();
            var questions = options.Questions;
            foreach (var image in images)
            {
                var answers = await qa.AnswerAsync(ImageData.FromFile(image), questions, cancellationToken: cancellationToken);
                io.Out.WriteLine($"  {Path.GetFileName(image),-36} {string.Join(" | ", answers.Select(a => $"{a.Question} {a.Answer}"))}");
            }

            io.Out.WriteLine($"  ({watch.ElapsedMilliseconds} ms)");
        }

        io.Out.WriteLine();
        watch.Restart();
        using (var recognizer = new WhisperRecognizer(options.Whisper ?? io.BundledModel("tiny-whisper")))
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
        if (!Directory.Exists(io.BundledModel(VadCommand.BundledModelName)) && options.Vad is null)
        {
            io.Out.WriteLine("Voice activity detection: skipped, the Silero VAD model is not installed (tools/fetch-test-assets.sh, then build again).");
        }
        else
        {
            watch.Restart();
            using var vad = VadCommand.Open(io, options.Vad);
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
        string textSample = Path.Combine(assets ?? Path.Combine(io.AppDirectory, "assets"), "text", "receipt.png");
        if (!Directory.Exists(io.BundledModel(OcrCommand.BundledModelName)) || !File.Exists(textSample))
        {
            io.Out.WriteLine("Text in images (OCR): skipped, the PP-OCRv4 model is not installed (tools/fetch-test-assets.sh, then build again).");
        }
        else
        {
            watch.Restart();
            using var reader = OcrCommand.Open(io, null);
            io.Out.WriteLine($"Text in images, PP-OCRv4 (loaded in {watch.ElapsedMilliseconds} ms):");
            watch.Restart();
            var read = await reader.ReadAsync(ImageData.FromFile(textSample), cancellationToken: cancellationToken);
            io.Out.WriteLine($"  {"text/receipt.png",-36} {string.Join(" / ", read.Lines.Select(l => $"\"{l.Text}\" {OcrCommand.Percent(l.Confidence)}"))}");
            io.Out.WriteLine($"  ({watch.ElapsedMilliseconds} ms; `mm ocr --image F --json` gives each line's box)");
        }

        io.Out.WriteLine();
        watch.Restart();
        using (var chat = new VisionChatClient(options.Vlm ?? io.BundledModel("tiny-vlm")))
        {
            io.Out.WriteLine($"Vision chat (IChatClient), two turns about {Path.GetFileName(images[^1])}, streamed (loaded in {watch.ElapsedMilliseconds} ms):");
            watch.Restart();
            var image = new DataContent(await File.ReadAllBytesAsync(images[^1], cancellationToken), images[^1].EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? "image/png" : "image/jpeg");
            var history = new List<ChatMessage>();
            foreach (var question in options.Chat)
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

        io.Out.WriteLine();
        await VideoDemoAsync(io, options, cancellationToken);
        return 0;
    }

    // One clip through every video capability: CLIP over frames, the video-language model, moment search, the audio track.
    private static async Task VideoDemoAsync(CliConsole io, Settings options, CancellationToken cancellationToken)
    {
        if (options.Video is not { } video || !File.Exists(video))
        {
            io.Out.WriteLine("Video: skipped, no sample clip (give --video F).");
            return;
        }

        var watch = Stopwatch.StartNew();
        VideoInfo info;
        try
        {
            info = await new FfmpegVideoDecoder().ProbeAsync(video, cancellationToken);
        }
        catch (InputDecodeException ex) when (ex.Message.Contains("ffmpeg", StringComparison.Ordinal) && ex.Message.Contains("install", StringComparison.Ordinal))
        {
            io.Out.WriteLine($"Video: skipped, {ex.Message}");
            return;
        }

        string name = Path.GetFileName(video);
        io.Out.WriteLine($"Video understanding on {name} ({info.Duration.TotalSeconds:F2} s, {info.Width}x{info.Height}, {info.FrameRate:0.##} fps; frames through ffmpeg):");
        using (var encoder = new ClipVideoEncoder(options.Clip ?? io.BundledModel("tiny-clip")))
        {
            var top = await encoder.ClassifyAsync(video, options.Labels, new ZeroShotOptions { TopK = 3 }, cancellationToken: cancellationToken);
            io.Out.WriteLine($"  classified (CLIP, 8 frames pooled): {string.Join(", ", top.Labels.Select(l => $"{l.Label} {l.Score:P0}"))}");
            string query = $"when does the {top.Labels[^1].Label} appear?";
            var moments = await encoder.FindMomentsAsync(video, query, new MomentSearchOptions { MaxMoments = 2 }, cancellationToken);
            io.Out.WriteLine($"  \"{query}\" (every frame): {string.Join(", ", moments.Select(m => $"{m.Start.TotalSeconds:F2}-{m.End.TotalSeconds:F2} s ({m.Score:F2})"))}");
        }

        using (var qa = new VideoQa(options.VideoVlm ?? io.BundledModel("tiny-video-vlm")))
        {
            var answers = await qa.AnswerAsync(video, [VideoQaExtensions.DescribePrompt, "what appears?", "what disappears?"], cancellationToken: cancellationToken);
            io.Out.WriteLine($"  video-language model: {string.Join(" | ", answers.Select(a => $"{a.Question} {a.Answer}"))}");
        }

        using (var storyboard = new VideoCaptioner(options.Captioner ?? io.BundledModel("tiny-captioner")))
        {
            var board = await storyboard.CaptionAsync(video, cancellationToken: cancellationToken);
            io.Out.WriteLine($"  storyboard (a frame a second, repeats merged): {string.Join(" / ", board.Entries.Select(e => $"{e.Start.TotalSeconds:F1} s \"{e.Caption}\""))}");
        }

        if (info.HasAudio)
        {
            using var recognizer = new WhisperRecognizer(options.Whisper ?? io.BundledModel("tiny-whisper"));
            var transcript = await recognizer.TranscribeVideoAsync(video, new SpeechRecognitionOptions { Language = "en" }, cancellationToken: cancellationToken);
            io.Out.WriteLine($"  audio track (Whisper): \"{transcript.Text.Trim()}\"");
        }

        io.Out.WriteLine($"  ({watch.ElapsedMilliseconds} ms; `mm video classify|describe|ask|find` for your own videos)");
    }
}

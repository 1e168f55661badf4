// docs/video.md quotes this file: the seed's VideoUnderstanding.understand_video(path, question) with the SDK.
// It is compiled with the tests and run by UnderstandVideoSampleTests, so the page cannot drift from the API.
using Microsoft.Extensions.DependencyInjection;

namespace Multimodal.Sdk.Video.Tests.Docs;

/// <summary>What <see cref="VideoUnderstanding.UnderstandVideoAsync"/> learns about one video.</summary>
public sealed record VideoUnderstandingResult(string Answer, string Description, IReadOnlyList<StoryboardEntry> Storyboard, string? Transcript, ZeroShotResult Classification);

/// <summary>The seed's class: sample frames, encode, pool over time, answer; plus what the SDK adds around it.</summary>
public sealed class VideoUnderstanding(IServiceProvider services)
{
    public static ServiceProvider CreateServices(string models)
    {
        var services = new ServiceCollection();
        services.AddMultimodal().UseCpu()
            .AddVideoQa(Path.Combine(models, "tiny-video-vlm"))        // LLaVA-NeXT-Video: num_frames sampled, encoded, pooled, spliced into the prompt
            .AddVideoCaptioner(Path.Combine(models, "tiny-captioner")) // storyboard: a caption a second, repeats merged
            .AddVideoEncoder(Path.Combine(models, "tiny-clip"))        // CLIP over frames, mean-pooled: classification and moments
            .AddSpeechRecognizer(Path.Combine(models, "tiny-whisper"));  // the audio track
        return services.BuildServiceProvider();
    }

    public async Task<VideoUnderstandingResult> UnderstandVideoAsync(string path, string question, IReadOnlyList<string> labels, CancellationToken cancellationToken = default)
    {
        var qa = services.GetRequiredService<IVideoQa>();
        var answers = await qa.AnswerAsync(path, [question, VideoQaExtensions.DescribePrompt], cancellationToken: cancellationToken);
        var storyboard = await services.GetRequiredService<IVideoCaptioner>().CaptionAsync(path, cancellationToken: cancellationToken);
        var classification = await services.GetRequiredService<IVideoEncoder>().ClassifyAsync(path, labels, cancellationToken: cancellationToken);

        string? transcript = null;
        var decoder = services.GetRequiredService<IVideoDecoder>();
        if ((await decoder.ProbeAsync(path, cancellationToken)).HasAudio)
        {
            var speech = await services.GetRequiredService<ISpeechRecognizer>().TranscribeVideoAsync(path, new SpeechRecognitionOptions { Language = "en" }, cancellationToken: cancellationToken);
            transcript = speech.Text.Trim();
        }

        return new VideoUnderstandingResult(answers[0].Answer, answers[1].Answer, storyboard.Entries, transcript, classification);
    }
}

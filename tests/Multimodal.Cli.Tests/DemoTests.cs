namespace Multimodal.Cli.Tests;

/// <summary><c>mm demo</c> on inputs, labels and questions given on the command line instead of the bundled ones.</summary>
public sealed class DemoTests
{
    [Fact]
    public async Task DemoUsesTheLabelsQuestionsChatTurnsAndInputsItIsGiven()
    {
        var run = await Mm.RunAsync(
            "demo", "--image", Mm.Asset("large-yellow-cross.png"), "--audio", Mm.Asset("speech-en-turn-on-the-blue-light.wav"),
            "--labels", "yellow cross,blue square", "--question", "is there a blue square?", "--chat", "how many shapes are there?");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Out.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains("CLIP zero-shot classification over 2 labels", run.Out, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("large-yellow-cross.png", StringComparison.Ordinal) && l.Contains("yellow cross", StringComparison.Ordinal) && l.Contains("blue square", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("large-yellow-cross.png", StringComparison.Ordinal) && l.EndsWith("is there a blue square? no", StringComparison.Ordinal));
        Assert.DoesNotContain("how many shapes are there? ", run.Out.Replace("user: how many shapes are there?", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("user: how many shapes are there?  assistant: one", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("describe the image.", run.Out, StringComparison.Ordinal);
        Assert.Contains("speech-en-turn-on-the-blue-light.wav", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("speech-es-cierra-la-puerta.wav", run.Out, StringComparison.Ordinal);
        Assert.Contains("Video understanding on green-star-and-orange-triangle-appears.mp4", run.Out, StringComparison.Ordinal);
        Assert.Contains("audio track (Whisper): \"turn off the black light", run.Out, StringComparison.Ordinal);
    }
}

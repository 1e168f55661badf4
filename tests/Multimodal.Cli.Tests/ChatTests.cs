namespace Multimodal.Cli.Tests;

/// <summary><c>mm chat</c> driven through stdin, as a script would.</summary>
public sealed class ChatTests
{
    [Fact]
    public async Task EachLineIsATurnAndOnlyRepliesGoToStdout()
    {
        // tiny-vlm was trained on single turns: the second turn asks what it still answers with the first one in the
        // history (its yes/no answers do not survive a previous turn; "is there a blue square?" alone is "yes").
        string stdin = string.Join('\n', "how many shapes are there?", "what color is the square?", "/exit", "never asked");
        var run = await Mm.RunWithInputAsync(stdin, ["chat", "--image", Mm.Asset("large-blue-square.png")]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["one", "blue"], run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Empty(run.Error);
    }

    [Fact]
    public async Task ImageCommandAttachesAnImageAndResetForgetsTheConversation()
    {
        // After /reset the square is gone: the cross added with /image is the only image the model sees (without the
        // reset, the same last question about both images is answered "yes").
        string stdin = string.Join('\n', "is there a blue square?", "/reset", $"/image {Mm.Asset("large-yellow-cross.png")}", "is there a blue square?");
        var run = await Mm.RunWithInputAsync(stdin, ["chat", "--image", Mm.Asset("large-blue-square.png")]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["yes", "no"], run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task AnImageThatCannotBeReadIsOneErrorLineAndTheChatGoesOn()
    {
        string stdin = string.Join('\n', "/image no/such/file.png", $"/image {Mm.Asset("speech-en-turn-on-the-blue-light.wav")}", "/dance", $"/image {Mm.Asset("large-blue-square.png")}", "how many shapes are there?");
        var run = await Mm.RunWithInputAsync(stdin, ["chat"]);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal(["one"], run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal(3, run.ErrorLines.Length);
        Assert.All(run.ErrorLines, l => Assert.StartsWith("error: ", l, StringComparison.Ordinal));
    }
}

namespace Multimodal.Cli.Tests;

/// <summary>Exit codes 2, 3, 4 and 130, each with one clear line on stderr.</summary>
public sealed class ExitCodeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("classify", "--image", "x.png", "--labels", "a,b", "--bogus")]
    [InlineData("frobnicate")]
    [InlineData("caption")]
    [InlineData("classify", "--image", "x.png")]
    [InlineData("caption", "--image", "x.png", "--beams", "zero")]
    [InlineData("transcribe", "--audio", "x.wav", "--task", "dance")]
    [InlineData("embed", "--image", "x.png", "--text", "hello")]
    [InlineData("caption", "stray.png")]
    [InlineData("caption", "--image", "IMAGE", "--sample", "--temperature", "-1")]
    [InlineData("caption", "--image", "IMAGE", "--beams", "2", "--num", "5")]
    public async Task BadUsageExitsTwoWithOneErrorLine(params string[] args)
    {
        var run = await Mm.RunAsync([.. args.Select(a => a == "IMAGE" ? Mm.Asset("large-blue-square.png") : a)]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("error: ", run.ErrorLines[0], StringComparison.Ordinal);
        Assert.Empty(run.Out);
    }

    [Fact]
    public async Task ACorruptAndAMissingImageAmongGoodOnesExitThreeAndTheGoodOnesAreStillReported()
    {
        string corrupt = Path.Combine(_dir, "corrupt.png");
        byte[] png = File.ReadAllBytes(Mm.Asset("large-yellow-cross.png"));
        File.WriteAllBytes(corrupt, png[..(png.Length / 3)]);
        string missing = Path.Combine(_dir, "missing.png");
        string[] images = [Mm.Asset("large-blue-square.png"), corrupt, missing, Mm.Asset("large-yellow-cross.png")];

        var run = await Mm.RunAsync(["classify", "--image", .. images, "--labels", "blue square,yellow cross", "--json"]);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal(images, run.Results.Select(r => r.GetProperty("image").GetString()));
        Assert.Equal(["image", "labels"], Mm.Keys(run.Results[0]));
        Assert.Equal(["image", "error"], Mm.Keys(run.Results[1]));
        Assert.Equal(["image", "error"], Mm.Keys(run.Results[2]));
        Assert.Equal("yellow cross", run.Results[3].GetProperty("labels")[0].GetProperty("label").GetString());
        Assert.Equal(2, run.ErrorLines.Length);
        Assert.Contains(corrupt, run.ErrorLines[0], StringComparison.Ordinal);
        Assert.Contains(missing, run.ErrorLines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreadableClipAmongGoodOnesExitsThree()
    {
        string notAudio = Path.Combine(_dir, "not-audio.wav");
        File.WriteAllText(notAudio, "this is not a wave file");
        var run = await Mm.RunAsync("transcribe", "--audio", notAudio, Mm.Asset("speech-en-turn-on-the-blue-light.wav"), "--json");

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal(["audio", "error"], Mm.Keys(run.Results[0]));
        Assert.Equal("turn on the blue light", run.Results[1].GetProperty("text").GetString());
        Assert.Single(run.ErrorLines);
    }

    [Theory]
    [InlineData("classify", "--image", "IMAGE", "--labels", "a,b")]
    [InlineData("caption", "--image", "IMAGE")]
    [InlineData("ask", "--image", "IMAGE", "--question", "how many shapes are there?")]
    [InlineData("transcribe", "--audio", "IMAGE")]
    [InlineData("chat")]
    public async Task AMissingModelFolderExitsFour(params string[] args)
    {
        string[] full = [.. args.Select(a => a == "IMAGE" ? Mm.Asset("large-blue-square.png") : a), "--model", Path.Combine(_dir, "no-such-model")];
        var run = await Mm.RunAsync(full);

        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.Single(run.ErrorLines);
        Assert.Contains("no-such-model", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AModelFolderOfTheWrongKindExitsFour()
    {
        var run = await Mm.RunAsync("caption", "--image", Mm.Asset("large-blue-square.png"), "--model", Path.Combine(AppContext.BaseDirectory, "models", "tiny-whisper"));

        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.Single(run.ErrorLines);
    }

    [Fact]
    public async Task CancellationExits130()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var run = await Mm.RunWithInputAsync(string.Empty, ["caption", "--image", Mm.Asset("large-blue-square.png")], cts.Token);

        Assert.True(run.ExitCode == 130, run.ToString());
        Assert.Equal(["cancelled"], run.ErrorLines);
    }
}

using System.CommandLine;

namespace Multimodal.Cli.Tests;

/// <summary>Help for every command, parse errors as usage errors (exit code 2), and completion through <c>[suggest]</c>.</summary>
public sealed class HelpTests
{
    /// <summary>Every command and subcommand of the tree <c>mm</c> runs, as its command line (<c>eval vqa</c>).</summary>
    public static TheoryData<string> AllCommands()
    {
        var data = new TheoryData<string>();
        void Walk(Command command, string path)
        {
            foreach (var sub in command.Subcommands)
            {
                string line = path.Length == 0 ? sub.Name : $"{path} {sub.Name}";
                data.Add(line);
                Walk(sub, line);
            }
        }

        Walk(Program.CreateRoot(Console()), string.Empty);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllCommands))]
    public async Task EveryCommandsHelpExitsZeroAndListsEveryOptionItTakes(string command)
    {
        var run = await Mm.RunAsync([.. command.Split(' '), "--help"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(run.Error);
        Assert.Contains($"mm {command}", run.Out, StringComparison.Ordinal);
        var node = command.Split(' ').Aggregate((Command)Program.CreateRoot(Console()), (c, name) => c.Subcommands.Single(s => s.Name == name));
        Assert.All(node.Options, o => Assert.Contains(o.Name, run.Out, StringComparison.Ordinal));
        Assert.All(node.Subcommands, s => Assert.Contains(s.Name, run.Out, StringComparison.Ordinal));
    }

    // Written out by hand, so a command that loses an option (or a tree that loses a command) fails here.
    [Theory]
    [InlineData("demo", "--clip --captioner --vlm --whisper --vad --image --audio --labels --question --chat")]
    [InlineData("classify", "--image --labels --labels-file --template --model --json")]
    [InlineData("caption", "--image --beams --sample --num --temperature --prefix --model --json")]
    [InlineData("embed", "--image --text --model --json")]
    [InlineData("ask", "--image --question --max-tokens --model --json")]
    [InlineData("chat", "--image --max-tokens --temperature --model")]
    [InlineData("transcribe", "--audio --language --task --timestamps --srt --vtt --vad --vad-model --model --json")]
    [InlineData("vad", "--audio --threshold --model --json")]
    [InlineData("eval", "captions vqa retrieval asr")]
    [InlineData("eval captions", "--pred --refs --json")]
    [InlineData("eval vqa", "--pred --refs --json --normalize")]
    [InlineData("eval retrieval", "--pred --refs --json")]
    [InlineData("eval asr", "--pred --refs --json --normalize")]
    public async Task HelpNamesTheDocumentedOptions(string command, string options)
    {
        var run = await Mm.RunAsync([.. command.Split(' '), "--help"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.All(options.Split(' '), o => Assert.Contains(o, run.Out, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RootHelpListsEveryCommandAndTheExitCodes()
    {
        var run = await Mm.RunAsync("--help");
        var bare = await Mm.RunAsync();
        var help = await Mm.RunAsync("help", "classify");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.All(["demo", "classify", "caption", "embed", "ask", "chat", "transcribe", "vad", "eval"], c => Assert.Contains($"  {c} ", run.Out, StringComparison.Ordinal));
        Assert.Contains("Exit codes: 0 ok, 2 usage", run.Out, StringComparison.Ordinal);

        // No command at all prints the same overview, as a usage error; `mm help X` is `mm X --help`.
        Assert.Equal(2, bare.ExitCode);
        Assert.Equal(run.Out, bare.Out);
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("--labels-file", help.Out, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllCommands))]
    public async Task AnUnknownOptionIsAUsageErrorNamingItAndTheCommandsHelp(string command)
    {
        var run = await Mm.RunAsync([.. command.Split(' '), "--frobnicate"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Empty(run.Out);
        Assert.Contains(run.ErrorLines, l => l.StartsWith("error: ", StringComparison.Ordinal) && l.Contains("--frobnicate", StringComparison.Ordinal));
        Assert.Equal($"run 'mm {command} --help' for usage", run.ErrorLines[^1]);
    }

    [Theory]
    [InlineData("mm cla", "classify")]
    [InlineData("mm eval ", "asr captions retrieval vqa")]
    [InlineData("mm transcribe --task ", "transcribe translate")]
    public async Task CompletionSuggestsCommandsAndValues(string line, string expected)
    {
        var run = await Mm.RunAsync($"[suggest:{line.Length}]", line);

        // Options (--help, -h ...) are suggested beside subcommands; the words are what this checks.
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(expected.Split(' '), run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(s => !s.StartsWith('-') && !s.StartsWith('/')));
    }

    [Fact]
    public async Task CompletionSuggestsACommandsOptions()
    {
        var run = await Mm.RunAsync("[suggest:14]", "mm classify --");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["--help", "--image", "--json", "--labels", "--labels-file", "--model", "--template"], run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    private static CliConsole Console() => new(TextReader.Null, TextWriter.Null, TextWriter.Null, false, false, false, AppContext.BaseDirectory);
}

using Spectre.Console;

namespace Multimodal.Cli;

/// <summary>
/// Where <c>mm</c> reads and writes: the process console, or a test's reader and writers. Results go to
/// <see cref="Out"/>; errors, notes and progress bars to <see cref="Error"/>, so scripted output stays clean.
/// </summary>
internal sealed class CliConsole(TextReader input, TextWriter output, TextWriter error, bool inputIsTerminal, bool outputIsTerminal, bool errorIsTerminal, string appDirectory)
{
    public TextReader In { get; } = input;

    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>Gets a value indicating whether a person types the input (the chat prompt is shown only then).</summary>
    public bool InputIsTerminal { get; } = inputIsTerminal;

    /// <summary>Gets a value indicating whether stderr is a terminal: progress bars are drawn only there.</summary>
    public bool ErrorIsTerminal { get; } = errorIsTerminal;

    /// <summary>Gets the folder holding the bundled <c>models/</c> and <c>assets/</c>.</summary>
    public string AppDirectory { get; } = appDirectory;

    public static CliConsole FromProcess() => new(
        Console.In, Console.Out, Console.Error, !Console.IsInputRedirected, !Console.IsOutputRedirected, !Console.IsErrorRedirected, AppContext.BaseDirectory);

    public string BundledModel(string name) => Path.Combine(AppDirectory, "models", name);

    /// <summary>Creates a Spectre console over <see cref="Out"/> for human tables: plain text, no wrapping at 80 columns, when redirected.</summary>
    public IAnsiConsole CreateTableConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Out),
            Ansi = outputIsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = outputIsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!outputIsTerminal)
        {
            console.Profile.Width = 200;
        }

        return console;
    }

    /// <summary>Creates a Spectre console over <see cref="Error"/> for progress bars (only used when stderr is a terminal).</summary>
    public IAnsiConsole CreateProgressConsole() => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Error),
        Ansi = AnsiSupport.Detect,
        ColorSystem = ColorSystemSupport.Detect,
        Interactive = InteractionSupport.Yes,
    });
}

using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Multimodal.Cli;

/// <summary>A usage error found after parsing (two options that exclude each other ...): exit code 2.</summary>
internal sealed class CliUsageException(string message) : Exception(message);

/// <summary>An input file that cannot be read or parsed: exit code 3.</summary>
internal sealed class CliInputException(string message) : Exception(message);

/// <summary>An output (<c>--srt OUT</c> ...) could not be written: reported as such in the input's row (exit code 3), never as the input missing.</summary>
internal sealed class CliOutputException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// The options several commands share, built the same way everywhere so help, completion and errors read alike.
/// Each call returns a new option: a <see cref="Option"/> belongs to one command.
/// </summary>
internal static class CliOptions
{
    public static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];

    public static readonly string[] AudioExtensions = [".wav", ".mp3", ".flac", ".ogg", ".opus", ".m4a", ".mp4", ".aac", ".webm", ".mkv", ".aiff", ".aif", ".amr", ".caf", ".wma"];

    /// <summary><c>--model DIR</c>: the model folder, the bundled one for the task when not given.</summary>
    public static Option<string> Model(string bundled, string what = "DIR") => new("--model")
    {
        Description = $"The model folder, or a Hugging Face repository owner/name fetched into the hub cache (mm download) (default: the bundled {bundled}).",
        HelpName = what,
    };

    /// <summary>A path option with no default other than a bundled model (<c>mm demo --clip DIR</c>).</summary>
    public static Option<string> Path(string name, string description, string helpName = "DIR") => new(name) { Description = description, HelpName = helpName };

    /// <summary><c>--json</c>: one JSON object on stdout instead of a table.</summary>
    public static Option<bool> Json() => Flag("--json", "Print one JSON object on stdout instead of a table (docs/cli.md lists the shapes).");

    /// <summary>A switch that takes no value.</summary>
    public static Option<bool> Flag(string name, string description) => new(name) { Description = description, Arity = ArgumentArity.Zero };

    /// <summary><c>--image F...</c>: image files, directories and globs.</summary>
    public static Option<string[]> Images(bool required = true, string? description = null) =>
        Many("--image", "F", description ?? "Image files, directories (their .png .jpg .jpeg .bmp .gif .webp files) or quoted globs, in any mix.", required);

    /// <summary><c>--audio F...</c>: audio files, directories and globs.</summary>
    public static Option<string[]> Audio() =>
        Many("--audio", "F", "Audio files, directories (their audio files) or quoted globs, in any mix; not WAV needs ffmpeg.", required: true);

    /// <summary>An option taking one or more values, after one flag (<c>--image a.png b.png</c>) or repeated (<c>--question A --question B</c>).</summary>
    public static Option<string[]> Many(string name, string helpName, string description, bool required = false) => new(name)
    {
        Description = description,
        HelpName = helpName,
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = true,
        Required = required,
    };

    /// <summary>A positive integer option; another value is a usage error naming the option.</summary>
    public static Option<int?> PositiveInt(string name, string description, string helpName = "N") => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = result =>
        {
            string text = result.Tokens[^1].Value;
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0)
            {
                return n;
            }

            result.AddError($"{name} needs a positive integer, not '{text}'");
            return null;
        },
    };

    /// <summary>A finite number option (invariant culture: <c>0.5</c> everywhere); another value is a usage error.</summary>
    public static Option<float?> Number(string name, string description, string helpName = "X") => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = result =>
        {
            string text = result.Tokens[^1].Value;
            if (float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float x) && float.IsFinite(x))
            {
                return x;
            }

            result.AddError($"{name} needs a number, not '{text}'");
            return null;
        },
    };

    /// <summary>
    /// Expands <c>--image</c> / <c>--audio</c> values: directories to their files of that kind (non-recursive, in name
    /// order), globs (<c>*</c>, <c>?</c>) in the file name part to every match. A directory or glob that matches nothing
    /// stays in the list, so it is reported as an input that cannot be read.
    /// </summary>
    /// <param name="values">The values as given.</param>
    /// <param name="extensions">The file kinds a directory stands for.</param>
    /// <returns>The files, in the order given.</returns>
    public static List<string> Expand(IReadOnlyList<string> values, IReadOnlyCollection<string> extensions)
    {
        var files = new List<string>();
        foreach (var item in values)
        {
            int before = files.Count;
            if (Directory.Exists(item))
            {
                files.AddRange(Directory.EnumerateFiles(item)
                    .Where(f => extensions.Contains(System.IO.Path.GetExtension(f).ToLowerInvariant()))
                    .Order(StringComparer.Ordinal));
            }
            else if (item.AsSpan().IndexOfAny('*', '?') >= 0)
            {
                string dir = System.IO.Path.GetDirectoryName(item) is { Length: > 0 } d ? d : ".";
                files.AddRange(Directory.Exists(dir) ? Directory.EnumerateFiles(dir, System.IO.Path.GetFileName(item)).Order(StringComparer.Ordinal) : []);
            }
            else
            {
                files.Add(item);
            }

            if (files.Count == before)
            {
                files.Add(item);
            }
        }

        return files;
    }

    /// <summary>The expanded <c>--image</c> files.</summary>
    public static List<string> ImageFiles(this ParseResult parse, Option<string[]> option) => Expand(parse.GetValue(option) ?? [], ImageExtensions);

    /// <summary>The expanded <c>--audio</c> files.</summary>
    public static List<string> AudioFiles(this ParseResult parse, Option<string[]> option) => Expand(parse.GetValue(option) ?? [], AudioExtensions);

    /// <summary>Whether the option was given on the command line (a flag's value, or any value at all).</summary>
    public static bool Has(this ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };
}

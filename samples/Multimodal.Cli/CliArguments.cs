namespace Multimodal.Cli;

/// <summary>A usage error: exit code 2.</summary>
internal sealed class CliUsageException(string message) : Exception(message);

/// <summary>An input file that cannot be read or parsed: exit code 3.</summary>
internal sealed class CliInputException(string message) : Exception(message);

/// <summary>Options as <c>--name value...</c>; flags without values; inputs expanded from files, directories and globs.</summary>
internal sealed class CliArguments
{
    private static readonly HashSet<string> Flags = ["--json", "--sample", "--timestamps", "--vad", "--normalize"];
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    /// <summary>Gets the first argument after the command when it is not an option (<c>mm eval captions ...</c>).</summary>
    public string? Verb { get; private set; }

    /// <summary>Parses the arguments after the command name.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="command">The command, for messages.</param>
    /// <param name="known">The options the command accepts; any other <c>--option</c> is a usage error.</param>
    /// <returns>The parsed options.</returns>
    /// <exception cref="CliUsageException">An unknown option, or a value with no option before it.</exception>
    public static CliArguments Parse(IEnumerable<string> args, string command, IReadOnlySet<string> known)
    {
        var result = new CliArguments();
        string? current = null;
        bool first = true;
        foreach (var arg in args)
        {
            if (first && !arg.StartsWith("--", StringComparison.Ordinal))
            {
                result.Verb = arg;
                first = false;
                continue;
            }

            first = false;
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (!known.Contains(arg))
                {
                    throw new CliUsageException($"'{command}' has no option '{arg}' (it takes {string.Join(", ", known.Order(StringComparer.Ordinal))})");
                }

                current = Flags.Contains(arg) ? null : arg;
                if (!result._values.ContainsKey(arg))
                {
                    result._values[arg] = [];
                }
            }
            else if (current is null)
            {
                throw new CliUsageException($"unexpected argument '{arg}'");
            }
            else
            {
                result._values[current].Add(arg);
            }
        }

        return result;
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public string? Get(string name) => _values.TryGetValue(name, out var v) ? v.LastOrDefault() ?? throw new CliUsageException($"{name} needs a value") : null;

    public List<string> GetAll(string name) => _values.TryGetValue(name, out var v) ? v : [];

    public int? GetInt(string name) => Get(name) is { } s ? int.TryParse(s, out int n) && n > 0 ? n : throw new CliUsageException($"{name} needs a positive integer, not '{s}'") : null;

    public float? GetFloat(string name) => Get(name) is { } s
        ? float.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out float x) && float.IsFinite(x) ? x : throw new CliUsageException($"{name} needs a number, not '{s}'")
        : null;

    private static readonly Dictionary<string, HashSet<string>> DirectoryExtensions = new(StringComparer.Ordinal)
    {
        ["--image"] = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"],
        ["--audio"] = [".wav", ".mp3", ".flac", ".ogg", ".opus", ".m4a", ".mp4", ".aac", ".webm", ".mkv", ".aiff", ".aif", ".amr", ".caf", ".wma"],
    };

    /// <summary>
    /// Expands the values of <paramref name="name"/>: directories to their files of that kind (images for <c>--image</c>,
    /// audio for <c>--audio</c>), globs (<c>*</c>, <c>?</c>) in the file name part to every match.
    /// </summary>
    public List<string> Inputs(string name)
    {
        var raw = GetAll(name);
        if (raw.Count == 0)
        {
            throw new CliUsageException($"{name} needs at least one file, directory or glob");
        }

        var files = new List<string>();
        foreach (var item in raw)
        {
            int before = files.Count;
            if (Directory.Exists(item))
            {
                files.AddRange(Directory.EnumerateFiles(item)
                    .Where(f => !DirectoryExtensions.TryGetValue(name, out var kinds) || kinds.Contains(Path.GetExtension(f).ToLowerInvariant()))
                    .Order(StringComparer.Ordinal));
            }
            else if (item.AsSpan().IndexOfAny('*', '?') >= 0)
            {
                string dir = Path.GetDirectoryName(item) is { Length: > 0 } d ? d : ".";
                files.AddRange(Directory.Exists(dir) ? Directory.EnumerateFiles(dir, Path.GetFileName(item)).Order(StringComparer.Ordinal) : []);
            }
            else
            {
                files.Add(item);
            }

            if (files.Count == before)
            {
                // A directory or glob that matches nothing stays in the list, so it is reported as an input that cannot be read.
                files.Add(item);
            }
        }

        return files;
    }
}

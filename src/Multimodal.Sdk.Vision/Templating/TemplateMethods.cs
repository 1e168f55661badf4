using System.Globalization;
using System.Text;

namespace Multimodal.Sdk;

/// <summary>Python methods templates call on strings and dictionaries (<c>.strip()</c>, <c>.items()</c>, ...).</summary>
internal static class TemplateMethods
{
    /// <summary>Gets the bound method <paramref name="name"/> of <paramref name="target"/>, or <see langword="null"/> when it has none.</summary>
    public static TemplateFunction? Bind(object? target, string name) => target switch
    {
        string s => StringMethod(s, name),
        IDictionary<string, object?> d => name switch
        {
            "items" => new TemplateFunction(name, (_, _) => Items(d)),
            "keys" => new TemplateFunction(name, (_, _) => d.Keys.Select(k => (object?)k).ToList()),
            "values" => new TemplateFunction(name, (_, _) => d.Values.ToList()),
            "get" => new TemplateFunction(name, (a, _) => a.Count > 0 && a[0] is string k && d.TryGetValue(k, out var v) ? v : a.Count > 1 ? a[1] : null),
            _ => null,
        },
        _ => null,
    };

    public static List<object?> Items(object? value) => value is IDictionary<string, object?> d
        ? d.Select(kv => (object?)new List<object?> { kv.Key, kv.Value }).ToList()
        : throw new InvalidOperationException($"{TemplateValues.TypeName(value)} has no items()");

    public static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        bool start = true;
        foreach (char c in s)
        {
            sb.Append(start ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
            start = !char.IsLetterOrDigit(c);
        }

        return sb.ToString();
    }

    private static TemplateFunction? StringMethod(string s, string name)
    {
        char[]? Chars(IReadOnlyList<object?> a) => a.Count > 0 && a[0] is string c ? c.ToCharArray() : null;
        return name switch
        {
            "strip" => new TemplateFunction(name, (a, _) => Chars(a) is { } c ? s.Trim(c) : s.Trim()),
            "lstrip" => new TemplateFunction(name, (a, _) => Chars(a) is { } c ? s.TrimStart(c) : s.TrimStart()),
            "rstrip" => new TemplateFunction(name, (a, _) => Chars(a) is { } c ? s.TrimEnd(c) : s.TrimEnd()),
            "upper" => new TemplateFunction(name, (_, _) => s.ToUpperInvariant()),
            "lower" => new TemplateFunction(name, (_, _) => s.ToLowerInvariant()),
            "title" => new TemplateFunction(name, (_, _) => Title(s)),
            "capitalize" => new TemplateFunction(name, (_, _) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant()),
            "startswith" => new TemplateFunction(name, (a, _) => AnyOf(a, p => s.StartsWith(p, StringComparison.Ordinal))),
            "endswith" => new TemplateFunction(name, (a, _) => AnyOf(a, p => s.EndsWith(p, StringComparison.Ordinal))),
            "replace" => new TemplateFunction(name, (a, _) => a.Count >= 2 ? s.Replace(TemplateValues.ToText(a[0]), TemplateValues.ToText(a[1]), StringComparison.Ordinal) : throw new InvalidOperationException("replace() needs two arguments")),
            "split" => new TemplateFunction(name, (a, _) => (a.Count > 0 && a[0] is string sep
                ? s.Split(sep)
                : s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).Select(x => (object?)x).ToList()),
            "find" => new TemplateFunction(name, (a, _) => (long)s.IndexOf(TemplateValues.ToText(a.Count > 0 ? a[0] : string.Empty), StringComparison.Ordinal)),
            "count" => new TemplateFunction(name, (a, _) => (long)CountOf(s, TemplateValues.ToText(a.Count > 0 ? a[0] : string.Empty))),
            "isdigit" => new TemplateFunction(name, (_, _) => s.Length > 0 && s.All(char.IsDigit)),
            "join" => new TemplateFunction(name, (a, _) => string.Join(s, TemplateValues.Iterate(a.Count > 0 ? a[0] : null).Select(TemplateValues.ToText))),
            "format" => new TemplateFunction(name, (a, _) => Format(s, a)),
            _ => null,
        };
    }

    private static bool AnyOf(IReadOnlyList<object?> a, Func<string, bool> test) => a.Count > 0 && (a[0] is IList<object?> options
        ? options.Any(o => o is string p && test(p))
        : test(TemplateValues.ToText(a[0])));

    private static int CountOf(string s, string sub)
    {
        if (sub.Length == 0)
        {
            return s.Length + 1;
        }

        int n = 0;
        for (int i = s.IndexOf(sub, StringComparison.Ordinal); i >= 0; i = s.IndexOf(sub, i + sub.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }

    // str.format with positional {} / {0} fields only.
    private static string Format(string s, IReadOnlyList<object?> a)
    {
        var sb = new StringBuilder();
        int auto = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '{' && i + 1 < s.Length && s[i + 1] == '{')
            {
                sb.Append('{');
                i++;
            }
            else if (s[i] == '}' && i + 1 < s.Length && s[i + 1] == '}')
            {
                sb.Append('}');
                i++;
            }
            else if (s[i] == '{')
            {
                int close = s.IndexOf('}', i);
                if (close < 0)
                {
                    throw new InvalidOperationException("format(): unmatched '{'");
                }

                string field = s[(i + 1)..close];
                int index = field.Length == 0 ? auto++ : int.Parse(field, CultureInfo.InvariantCulture);
                sb.Append(index < a.Count ? TemplateValues.ToText(a[index]) : throw new InvalidOperationException($"format(): no argument {index}"));
                i = close;
            }
            else
            {
                sb.Append(s[i]);
            }
        }

        return sb.ToString();
    }
}

using System.Collections;
using System.Globalization;
using System.Text;

namespace Multimodal.Sdk;

/// <summary>Jinja's undefined value: renders as nothing, is falsy, and its attributes are undefined too.</summary>
internal sealed class TemplateUndefined
{
    public static readonly TemplateUndefined Instance = new();

    private TemplateUndefined()
    {
    }

    public override string ToString() => string.Empty;
}

/// <summary>The object <c>namespace(...)</c> creates: attributes that a <c>{% set ns.x = ... %}</c> inside a loop may change.</summary>
internal sealed class TemplateNamespace : Dictionary<string, object?>
{
    public TemplateNamespace()
        : base(StringComparer.Ordinal)
    {
    }
}

/// <summary>A callable value: a global function, a bound method or a macro.</summary>
internal sealed class TemplateFunction(string name, Func<IReadOnlyList<object?>, IReadOnlyDictionary<string, object?>, object?> invoke)
{
    public string Name { get; } = name;

    public object? Invoke(IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs) => invoke(args, kwargs);
}

/// <summary>
/// Python semantics for template values. Values are <see langword="null"/> (none), <see cref="TemplateUndefined"/>,
/// <see cref="string"/>, <see cref="long"/>, <see cref="double"/>, <see cref="bool"/>, <see cref="List{T}"/> of values,
/// <see cref="Dictionary{TKey, TValue}"/> from string keys (insertion-ordered) and <see cref="TemplateFunction"/>.
/// </summary>
internal static class TemplateValues
{
    /// <summary>Converts caller data (dictionaries, lists, numbers of any width) into template values.</summary>
    public static object? From(object? value) => value switch
    {
        null => null,
        string or bool or long or double or TemplateUndefined or TemplateFunction or TemplateNamespace => value,
        int i => (long)i,
        short s => (long)s,
        byte b => (long)b,
        float f => (double)f,
        decimal m => (double)m,
        IDictionary<string, object?> d => d.ToDictionary(kv => kv.Key, kv => From(kv.Value), StringComparer.Ordinal),
        IReadOnlyDictionary<string, object?> d => d.ToDictionary(kv => kv.Key, kv => From(kv.Value), StringComparer.Ordinal),
        IDictionary<string, string> d => d.ToDictionary(kv => kv.Key, kv => (object?)kv.Value, StringComparer.Ordinal),
        IEnumerable e => e.Cast<object?>().Select(From).ToList(),
        _ => value.ToString(),
    };

    public static bool IsTruthy(object? v) => v switch
    {
        null or TemplateUndefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        ICollection c => c.Count > 0,
        _ => true,
    };

    /// <summary>Python's <c>str()</c>, which is what <c>{{ }}</c> outputs.</summary>
    public static string ToText(object? v) => v switch
    {
        null => "None",
        TemplateUndefined => string.Empty,
        string s => s,
        _ => Repr(v),
    };

    /// <summary>Python's <c>repr()</c>: strings quoted, as inside a printed list or dict.</summary>
    public static string Repr(object? v)
    {
        switch (v)
        {
            case null:
                return "None";
            case TemplateUndefined:
                return string.Empty;
            case bool b:
                return b ? "True" : "False";
            case long l:
                return l.ToString(CultureInfo.InvariantCulture);
            case double d:
                return FormatFloat(d);
            case string s:
                return s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal)
                    ? "\"" + s + "\""
                    : "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "'";
            case TemplateFunction f:
                return $"<function {f.Name}>";
            case IDictionary<string, object?> d:
                return "{" + string.Join(", ", d.Select(kv => Repr(kv.Key) + ": " + Repr(kv.Value))) + "}";
            case IList list:
                return "[" + string.Join(", ", list.Cast<object?>().Select(Repr)) + "]";
            default:
                return v.ToString() ?? string.Empty;
        }
    }

    public static string FormatFloat(double d)
    {
        if (double.IsNaN(d))
        {
            return "nan";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }

        string r = d.ToString("R", CultureInfo.InvariantCulture);
        return r.Contains('.', StringComparison.Ordinal) || r.Contains('E', StringComparison.Ordinal) ? r : r + ".0";
    }

    /// <summary>Python <c>json.dumps</c> with Hugging Face's <c>tojson</c> defaults (no ASCII escaping, <c>", "</c> and <c>": "</c> separators).</summary>
    public static string ToJson(object? v, int? indent = null)
    {
        var sb = new StringBuilder();
        WriteJson(sb, v, indent, 0);
        return sb.ToString();
    }

    private static void WriteJson(StringBuilder sb, object? v, int? indent, int depth)
    {
        switch (v)
        {
            case null or TemplateUndefined:
                sb.Append("null");
                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case long l:
                sb.Append(l.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                sb.Append(double.IsNaN(d) ? "NaN" : double.IsInfinity(d) ? (d > 0 ? "Infinity" : "-Infinity") : FormatFloat(d));
                break;
            case string s:
                WriteJsonString(sb, s);
                break;
            case IDictionary<string, object?> dict:
                WriteJsonItems(sb, '{', '}', dict.Select(kv => (object?)kv), indent, depth, (item, d) =>
                {
                    var kv = (KeyValuePair<string, object?>)item!;
                    WriteJsonString(sb, kv.Key);
                    sb.Append(": ");
                    WriteJson(sb, kv.Value, indent, d);
                });
                break;
            case IList list:
                WriteJsonItems(sb, '[', ']', list.Cast<object?>(), indent, depth, (item, d) => WriteJson(sb, item, indent, d));
                break;
            default:
                WriteJsonString(sb, v.ToString() ?? string.Empty);
                break;
        }
    }

    private static void WriteJsonItems(StringBuilder sb, char open, char close, IEnumerable<object?> items, int? indent, int depth, Action<object?, int> write)
    {
        var all = items.ToList();
        sb.Append(open);
        if (all.Count == 0)
        {
            sb.Append(close);
            return;
        }

        for (int i = 0; i < all.Count; i++)
        {
            if (indent is { } n)
            {
                sb.Append(i == 0 ? "\n" : ",\n").Append(' ', n * (depth + 1));
            }
            else if (i > 0)
            {
                sb.Append(", ");
            }

            write(all[i], depth + 1);
        }

        if (indent is { } m)
        {
            sb.Append('\n').Append(' ', m * depth);
        }

        sb.Append(close);
    }

    private static void WriteJsonString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    public static bool IsNumber(object? v) => v is long or double;

    public static double ToDouble(object? v) => v switch
    {
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        _ => throw new InvalidOperationException($"{TypeName(v)} is not a number"),
    };

    public static bool AreEqual(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (TemplateUndefined, TemplateUndefined) => true,
        (long or double or bool, long or double or bool) when a is not bool || b is not bool => ToDouble(a) == ToDouble(b),
        (string x, string y) => string.Equals(x, y, StringComparison.Ordinal),
        (IList x, IList y) => x.Count == y.Count && x.Cast<object?>().Zip(y.Cast<object?>()).All(p => AreEqual(p.First, p.Second)),
        (IDictionary<string, object?> x, IDictionary<string, object?> y) => x.Count == y.Count && x.All(kv => y.TryGetValue(kv.Key, out var o) && AreEqual(kv.Value, o)),
        _ => Equals(a, b),
    };

    public static int Compare(object? a, object? b)
    {
        if (IsNumber(a) && IsNumber(b))
        {
            return ToDouble(a).CompareTo(ToDouble(b));
        }

        if (a is string x && b is string y)
        {
            return string.CompareOrdinal(x, y);
        }

        throw new InvalidOperationException($"'<' is not supported between {TypeName(a)} and {TypeName(b)}");
    }

    /// <summary>The items a <c>for</c> loop or filter walks: list items, dictionary keys, string characters.</summary>
    public static List<object?> Iterate(object? v) => v switch
    {
        null or TemplateUndefined => [],
        string s => s.Select(c => (object?)c.ToString()).ToList(),
        IDictionary<string, object?> d => d.Keys.Select(k => (object?)k).ToList(),
        IList l => l.Cast<object?>().ToList(),
        _ => throw new InvalidOperationException($"{TypeName(v)} is not iterable"),
    };

    public static string TypeName(object? v) => v switch
    {
        null => "none",
        TemplateUndefined => "undefined",
        string => "a string",
        long => "an integer",
        double => "a float",
        bool => "a boolean",
        IDictionary<string, object?> => "a mapping",
        IList => "a list",
        TemplateFunction => "a function",
        _ => v.GetType().Name,
    };
}

using System.Collections;
using System.Globalization;

namespace Multimodal.Sdk;

/// <summary>The Jinja filters and tests chat templates use.</summary>
internal static class TemplateFilters
{
    /// <exception cref="InvalidOperationException">An unknown filter or a value of the wrong type.</exception>
    public static object? Apply(string name, object? value, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs)
    {
        object? Arg(int i, string key, object? fallback) => i < args.Count ? args[i] : kwargs.TryGetValue(key, out var v) ? v : fallback;
        switch (name)
        {
            case "trim":
                return Text(value, name).Trim();
            case "upper":
                return Text(value, name).ToUpperInvariant();
            case "lower":
                return Text(value, name).ToLowerInvariant();
            case "capitalize":
                string c = Text(value, name);
                return c.Length == 0 ? c : char.ToUpperInvariant(c[0]) + c[1..].ToLowerInvariant();
            case "title":
                return TemplateMethods.Title(Text(value, name));
            case "length" or "count":
                return value switch
                {
                    string s => (long)s.Length,
                    ICollection col => (long)col.Count,
                    null or TemplateUndefined => 0L,
                    _ => throw new InvalidOperationException($"{TemplateValues.TypeName(value)} has no length"),
                };
            case "default" or "d":
                bool boolean = TemplateValues.IsTruthy(Arg(1, "boolean", false));
                return value is TemplateUndefined || (boolean && !TemplateValues.IsTruthy(value)) ? Arg(0, "default_value", string.Empty) : value;
            case "join":
                string sep = TemplateValues.ToText(Arg(0, "d", string.Empty));
                var attr = Arg(1, "attribute", null);
                return string.Join(sep, TemplateValues.Iterate(value).Select(x => TemplateValues.ToText(attr is string a ? TemplateRun.GetItem(x, a) : x)));
            case "tojson":
                var indent = Arg(0, "indent", null);
                return TemplateValues.ToJson(value, indent is long n ? (int)n : null);
            case "first":
                var firsts = TemplateValues.Iterate(value);
                return firsts.Count > 0 ? firsts[0] : TemplateUndefined.Instance;
            case "last":
                var lasts = TemplateValues.Iterate(value);
                return lasts.Count > 0 ? lasts[^1] : TemplateUndefined.Instance;
            case "list":
                return TemplateValues.Iterate(value);
            case "reverse":
                return value is string rs ? new string(rs.Reverse().ToArray()) : Enumerable.Reverse(TemplateValues.Iterate(value)).ToList();
            case "string":
                return TemplateValues.ToText(value);
            case "safe" or "e" or "escape":
                // Chat templates are rendered without autoescaping, as transformers does.
                return value;
            case "int":
                return value switch
                {
                    long l => l,
                    double d => (long)d,
                    bool b => b ? 1L : 0L,
                    string s when long.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long p) => p,
                    string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double p) => (long)p,
                    _ => Arg(0, "default", 0L),
                };
            case "float":
                return value switch
                {
                    long or double or bool => TemplateValues.ToDouble(value),
                    string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double p) => p,
                    _ => Arg(0, "default", 0.0),
                };
            case "abs":
                return value is long al ? (object)Math.Abs(al) : Math.Abs(TemplateValues.ToDouble(value));
            case "replace":
                return Text(value, name).Replace(TemplateValues.ToText(Arg(0, "old", string.Empty)), TemplateValues.ToText(Arg(1, "new", string.Empty)), StringComparison.Ordinal);
            case "items":
                return TemplateMethods.Items(value);
            case "unique":
                var unique = new List<object?>();
                foreach (var item in TemplateValues.Iterate(value))
                {
                    if (!unique.Any(u => TemplateValues.AreEqual(u, item)))
                    {
                        unique.Add(item);
                    }
                }

                return unique;
            case "selectattr" or "rejectattr":
                string attribute = TemplateValues.ToText(Arg(0, "attr", string.Empty));
                bool keep = name == "selectattr";
                return TemplateValues.Iterate(value).Where(x =>
                {
                    var v = TemplateRun.GetItem(x, attribute);
                    bool passes = args.Count > 1 ? Test(TemplateValues.ToText(args[1]), v, args.Skip(2).ToList()) : TemplateValues.IsTruthy(v);
                    return passes == keep;
                }).ToList();
            case "select" or "reject":
                bool want = name == "select";
                return TemplateValues.Iterate(value).Where(x => (args.Count > 0 ? Test(TemplateValues.ToText(args[0]), x, args.Skip(1).ToList()) : TemplateValues.IsTruthy(x)) == want).ToList();
            case "map":
                if (kwargs.TryGetValue("attribute", out var mapAttr))
                {
                    return TemplateValues.Iterate(value).Select(x => TemplateRun.GetItem(x, mapAttr)).ToList();
                }

                string filter = args.Count > 0 ? TemplateValues.ToText(args[0]) : throw new InvalidOperationException("map needs a filter name or attribute=");
                return TemplateValues.Iterate(value).Select(x => Apply(filter, x, args.Skip(1).ToList(), new Dictionary<string, object?>())).ToList();
            case "indent":
                int width = Arg(0, "width", 4L) is long w ? (int)w : 4;
                bool indentFirst = TemplateValues.IsTruthy(Arg(1, "first", false));
                var lines = Text(value, name).Split('\n');
                string pad = new(' ', width);
                return string.Join("\n", lines.Select((l, i) => (i == 0 && !indentFirst) || l.Length == 0 ? l : pad + l));
            case "wordcount":
                return (long)Text(value, name).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
            default:
                throw new InvalidOperationException($"the filter '{name}' is not supported");
        }
    }

    /// <exception cref="InvalidOperationException">An unknown test.</exception>
    public static bool Test(string name, object? value, IReadOnlyList<object?> args)
    {
        object? Arg0() => args.Count > 0 ? args[0] : throw new InvalidOperationException($"the test '{name}' needs an argument");
        return name switch
        {
            "defined" => value is not TemplateUndefined,
            "undefined" => value is TemplateUndefined,
            "none" => value is null,
            "string" => value is string,
            "number" => value is long or double,
            "integer" => value is long,
            "float" => value is double,
            "boolean" => value is bool,
            "true" => value is true,
            "false" => value is false,
            "mapping" => value is IDictionary<string, object?>,
            "iterable" => value is string or IList or IDictionary<string, object?>,
            "sequence" => value is string or IList or IDictionary<string, object?>,
            "callable" => value is TemplateFunction,
            "lower" => value is string ls && ls == ls.ToLowerInvariant(),
            "upper" => value is string us && us == us.ToUpperInvariant(),
            "even" => value is long e && e % 2 == 0,
            "odd" => value is long o && o % 2 != 0,
            "divisibleby" => value is long dv && Arg0() is long by && by != 0 && dv % by == 0,
            "equalto" or "eq" or "==" or "sameas" => TemplateValues.AreEqual(value, Arg0()),
            "ne" or "!=" => !TemplateValues.AreEqual(value, Arg0()),
            "lt" or "lessthan" or "<" => TemplateValues.Compare(value, Arg0()) < 0,
            "gt" or "greaterthan" or ">" => TemplateValues.Compare(value, Arg0()) > 0,
            "le" or "<=" => TemplateValues.Compare(value, Arg0()) <= 0,
            "ge" or ">=" => TemplateValues.Compare(value, Arg0()) >= 0,
            "in" => TemplateRun.Contains(Arg0(), value),
            _ => throw new InvalidOperationException($"the test '{name}' is not supported"),
        };
    }

    private static string Text(object? value, string filter) => value switch
    {
        string s => s,
        TemplateUndefined => string.Empty,
        _ => TemplateValues.ToText(value),
    };
}

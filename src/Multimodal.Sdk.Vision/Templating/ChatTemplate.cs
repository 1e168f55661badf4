using System.Collections;
using System.Globalization;
using System.Text;

namespace Multimodal.Sdk;

/// <summary>
/// A parsed chat template (the Jinja <c>chat_template</c> of <c>tokenizer_config.json</c> or <c>chat_template.json</c>),
/// rendered the way transformers' <c>apply_chat_template</c> does: variables <c>messages</c>,
/// <c>add_generation_prompt</c>, the special tokens (<c>bos_token</c>, <c>eos_token</c>, ...) and any extra
/// variables; <c>trim_blocks</c> and <c>lstrip_blocks</c> on; <c>raise_exception</c>, <c>namespace</c>,
/// <c>range</c> and <c>strftime_now</c> as globals.
/// </summary>
/// <remarks>Safe for concurrent use: parsing happens once, each render has its own state.</remarks>
internal sealed class ChatTemplate
{
    private readonly IReadOnlyList<TemplateNode> _body;

    private ChatTemplate(string source, IReadOnlyList<TemplateNode> body)
    {
        Source = source;
        _body = body;
    }

    public string Source { get; }

    /// <exception cref="TemplateSyntaxException">The template does not parse (the message gives line and column).</exception>
    public static ChatTemplate Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new ChatTemplate(source, TemplateParser.Parse(source));
    }

    /// <summary>Renders the template.</summary>
    /// <param name="messages">The conversation: dictionaries with <c>role</c> and <c>content</c> (a string or a list of typed items).</param>
    /// <param name="addGenerationPrompt">Whether to open the assistant's turn at the end.</param>
    /// <param name="variables">Further variables (<c>bos_token</c>, <c>eos_token</c>, <c>tools</c>, ...).</param>
    /// <exception cref="MultimodalException">The template called <c>raise_exception</c> or failed at run time (a wrong type, an unknown filter); the message says which.</exception>
    public string Render(IEnumerable<IReadOnlyDictionary<string, object?>> messages, bool addGenerationPrompt, IReadOnlyDictionary<string, object?>? variables = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var globals = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (variables is not null)
        {
            foreach (var (k, v) in variables)
            {
                globals[k] = TemplateValues.From(v);
            }
        }

        globals["messages"] = TemplateValues.From(messages.ToList());
        globals["add_generation_prompt"] = addGenerationPrompt;
        return RenderWith(globals);
    }

    /// <summary>Renders with exactly these variables.</summary>
    /// <exception cref="MultimodalException">The template raised or failed at run time.</exception>
    public string RenderWith(IReadOnlyDictionary<string, object?> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var run = new TemplateRun(Source, variables);
        run.Execute(_body);
        return run.Output.ToString();
    }
}

/// <summary>The state of one render: variable scopes and the output.</summary>
internal sealed class TemplateRun
{
    private readonly string _source;
    private readonly List<Dictionary<string, object?>> _scopes = [];

    public TemplateRun(string source, IReadOnlyDictionary<string, object?> variables)
    {
        _source = source;
        var globals = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["raise_exception"] = new TemplateFunction("raise_exception", (a, _) => throw new MultimodalException($"The chat template raised an exception: {(a.Count > 0 ? TemplateValues.ToText(a[0]) : "(no message)")}")),
            ["namespace"] = new TemplateFunction("namespace", (a, kw) =>
            {
                var ns = new TemplateNamespace();
                foreach (var (k, v) in kw)
                {
                    ns[k] = v;
                }

                return ns;
            }),
            ["range"] = new TemplateFunction("range", (a, _) => Range(a)),
            ["strftime_now"] = new TemplateFunction("strftime_now", (a, _) => StrftimeNow(a.Count > 0 ? TemplateValues.ToText(a[0]) : "%Y-%m-%d")),
        };
        foreach (var (k, v) in variables)
        {
            globals[k] = v;
        }

        _scopes.Add(globals);
    }

    private enum Flow
    {
        Normal,
        Break,
        Continue,
    }

    public StringBuilder Output { get; private set; } = new();

    public void Execute(IReadOnlyList<TemplateNode> body) => Run(body);

    private Flow Run(IReadOnlyList<TemplateNode> body)
    {
        foreach (var node in body)
        {
            var flow = RunNode(node);
            if (flow != Flow.Normal)
            {
                return flow;
            }
        }

        return Flow.Normal;
    }

    private Flow RunNode(TemplateNode node)
    {
        switch (node)
        {
            case TextNode t:
                Output.Append(t.Text);
                return Flow.Normal;
            case OutputNode o:
                Output.Append(TemplateValues.ToText(Eval(o.Value)));
                return Flow.Normal;
            case IfNode i:
                foreach (var (condition, branch) in i.Branches)
                {
                    if (TemplateValues.IsTruthy(Eval(condition)))
                    {
                        return Run(branch);
                    }
                }

                return Run(i.Else);
            case ForNode f:
                return RunFor(f);
            case SetNode s:
                RunSet(s);
                return Flow.Normal;
            case LoopControlNode c:
                return c.IsBreak ? Flow.Break : Flow.Continue;
            case MacroNode m:
                _scopes[^1][m.Name] = MakeMacro(m);
                return Flow.Normal;
            case BlockNode b:
                return Run(b.Body);
            default:
                throw new InvalidOperationException($"Unknown template node {node.GetType().Name}.");
        }
    }

    private Flow RunFor(ForNode f)
    {
        var items = TemplateValues.Iterate(Eval(f.Iterable));
        if (f.Filter is not null)
        {
            items = items.Where(item =>
            {
                _scopes.Add(Bind(f.Targets, item, f.Iterable.Position));
                try
                {
                    return TemplateValues.IsTruthy(Eval(f.Filter));
                }
                finally
                {
                    _scopes.RemoveAt(_scopes.Count - 1);
                }
            }).ToList();
        }

        if (items.Count == 0)
        {
            return Run(f.Else);
        }

        for (int i = 0; i < items.Count; i++)
        {
            var scope = Bind(f.Targets, items[i], f.Iterable.Position);
            scope["loop"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["index0"] = (long)i,
                ["index"] = (long)(i + 1),
                ["revindex0"] = (long)(items.Count - i - 1),
                ["revindex"] = (long)(items.Count - i),
                ["first"] = i == 0,
                ["last"] = i == items.Count - 1,
                ["length"] = (long)items.Count,
                ["previtem"] = i > 0 ? items[i - 1] : TemplateUndefined.Instance,
                ["nextitem"] = i + 1 < items.Count ? items[i + 1] : TemplateUndefined.Instance,
            };
            _scopes.Add(scope);
            try
            {
                if (Run(f.Body) == Flow.Break)
                {
                    break;
                }
            }
            finally
            {
                _scopes.RemoveAt(_scopes.Count - 1);
            }
        }

        return Flow.Normal;
    }

    private Dictionary<string, object?> Bind(IReadOnlyList<string> targets, object? item, int position)
    {
        var scope = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (targets.Count == 1)
        {
            scope[targets[0]] = item;
            return scope;
        }

        var parts = item as IList ?? throw Fail(position, $"cannot unpack {TemplateValues.TypeName(item)} into {targets.Count} loop variables");
        if (parts.Count != targets.Count)
        {
            throw Fail(position, $"cannot unpack {parts.Count} values into {targets.Count} loop variables");
        }

        for (int i = 0; i < targets.Count; i++)
        {
            scope[targets[i]] = parts[i];
        }

        return scope;
    }

    private void RunSet(SetNode s)
    {
        object? value;
        if (s.Body is not null)
        {
            var saved = Output;
            Output = new StringBuilder();
            Run(s.Body);
            value = Output.ToString();
            Output = saved;
        }
        else
        {
            value = Eval(s.Value!);
        }

        if (s.Attribute is null)
        {
            _scopes[^1][s.Name] = value;
            return;
        }

        if (Lookup(s.Name) is not TemplateNamespace ns)
        {
            throw Fail(s.Value!.Position, $"'{s.Name}.{s.Attribute}' can only be set when '{s.Name}' is a namespace()");
        }

        ns[s.Attribute] = value;
    }

    private TemplateFunction MakeMacro(MacroNode m) => new(m.Name, (args, kwargs) =>
    {
        var scope = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (int i = 0; i < m.Parameters.Count; i++)
        {
            var (name, def) = m.Parameters[i];
            scope[name] = i < args.Count ? args[i] : kwargs.TryGetValue(name, out var kv) ? kv : def is null ? TemplateUndefined.Instance : Eval(def);
        }

        var saved = Output;
        Output = new StringBuilder();
        _scopes.Add(scope);
        try
        {
            Run(m.Body);
            return Output.ToString();
        }
        finally
        {
            _scopes.RemoveAt(_scopes.Count - 1);
            Output = saved;
        }
    });

    private object? Lookup(string name)
    {
        for (int i = _scopes.Count - 1; i >= 0; i--)
        {
            if (_scopes[i].TryGetValue(name, out var v))
            {
                return v;
            }
        }

        return TemplateUndefined.Instance;
    }

    private object? Eval(TemplateExpr e)
    {
        try
        {
            return EvalCore(e);
        }
        catch (InvalidOperationException ex)
        {
            throw Fail(e.Position, ex.Message);
        }
    }

    private object? EvalCore(TemplateExpr e)
    {
        switch (e)
        {
            case LiteralExpr l:
                return l.Value;
            case NameExpr n:
                return Lookup(n.Name);
            case AttributeExpr a:
                return GetAttribute(Eval(a.Target), a.Name);
            case IndexExpr ix:
                return GetItem(Eval(ix.Target), Eval(ix.Index));
            case SliceExpr s:
                return Slice(Eval(s.Target), s.Start is null ? null : Eval(s.Start), s.Stop is null ? null : Eval(s.Stop), s.Step is null ? null : Eval(s.Step));
            case CallExpr c:
                var callee = Eval(c.Callee);
                if (callee is not TemplateFunction f)
                {
                    throw new InvalidOperationException(callee is TemplateUndefined ? $"'{Describe(c.Callee)}' is undefined and cannot be called" : $"{TemplateValues.TypeName(callee)} is not callable");
                }

                return f.Invoke(c.Args.Select(Eval).ToList(), c.Kwargs.ToDictionary(k => k.Name, k => Eval(k.Value), StringComparer.Ordinal));
            case FilterExpr fe:
                return TemplateFilters.Apply(fe.Name, Eval(fe.Target), fe.Args.Select(Eval).ToList(), fe.Kwargs.ToDictionary(k => k.Name, k => Eval(k.Value), StringComparer.Ordinal));
            case TestExpr t:
                bool result = TemplateFilters.Test(t.Name, t.Target is NameExpr nx && !IsDefined(nx.Name) ? TemplateUndefined.Instance : Eval(t.Target), t.Args.Select(Eval).ToList());
                return result != t.Negated;
            case UnaryExpr u:
                var operand = Eval(u.Operand);
                return u.Op switch
                {
                    "not" => !TemplateValues.IsTruthy(operand),
                    "-" => operand is long l ? (object)(-l) : -TemplateValues.ToDouble(operand),
                    _ => operand,
                };
            case BinaryExpr b:
                return EvalBinary(b);
            case ConditionalExpr ce:
                return TemplateValues.IsTruthy(Eval(ce.Condition)) ? Eval(ce.Then) : ce.Else is null ? TemplateUndefined.Instance : Eval(ce.Else);
            case ListExpr le:
                return le.Items.Select(Eval).ToList();
            case DictExpr de:
                var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (k, v) in de.Items)
                {
                    dict[TemplateValues.ToText(Eval(k))] = Eval(v);
                }

                return dict;
            default:
                throw new InvalidOperationException($"unknown expression {e.GetType().Name}");
        }
    }

    private bool IsDefined(string name) => _scopes.Any(s => s.ContainsKey(name));

    private object? EvalBinary(BinaryExpr b)
    {
        if (b.Op == "and")
        {
            var l = Eval(b.Left);
            return TemplateValues.IsTruthy(l) ? Eval(b.Right) : l;
        }

        if (b.Op == "or")
        {
            var l = Eval(b.Left);
            return TemplateValues.IsTruthy(l) ? l : Eval(b.Right);
        }

        var left = Eval(b.Left);
        var right = Eval(b.Right);
        switch (b.Op)
        {
            case "==":
                return TemplateValues.AreEqual(left, right);
            case "!=":
                return !TemplateValues.AreEqual(left, right);
            case "<":
                return TemplateValues.Compare(left, right) < 0;
            case ">":
                return TemplateValues.Compare(left, right) > 0;
            case "<=":
                return TemplateValues.Compare(left, right) <= 0;
            case ">=":
                return TemplateValues.Compare(left, right) >= 0;
            case "in":
                return Contains(right, left);
            case "~":
                return TemplateValues.ToText(left) + TemplateValues.ToText(right);
            case "+":
                return (left, right) switch
                {
                    (string x, string y) => x + y,
                    (IList x, IList y) => x.Cast<object?>().Concat(y.Cast<object?>()).ToList(),
                    (long x, long y) => x + y,
                    _ when TemplateValues.IsNumber(left) && TemplateValues.IsNumber(right) => TemplateValues.ToDouble(left) + TemplateValues.ToDouble(right),
                    _ => throw new InvalidOperationException($"cannot add {TemplateValues.TypeName(left)} and {TemplateValues.TypeName(right)} (use '~' to join as text)"),
                };
            case "-":
                return left is long a && right is long c ? (object)(a - c) : TemplateValues.ToDouble(left) - TemplateValues.ToDouble(right);
            case "*":
                return (left, right) switch
                {
                    (string s, long n) => string.Concat(Enumerable.Repeat(s, (int)Math.Max(0, n))),
                    (long n, string s) => string.Concat(Enumerable.Repeat(s, (int)Math.Max(0, n))),
                    (long x, long y) => x * y,
                    _ => TemplateValues.ToDouble(left) * TemplateValues.ToDouble(right),
                };
            case "/":
                return TemplateValues.ToDouble(left) / NonZero(TemplateValues.ToDouble(right));
            case "//":
                return left is long p && right is long q ? (object)(long)Math.Floor((double)p / NonZero(q)) : Math.Floor(TemplateValues.ToDouble(left) / NonZero(TemplateValues.ToDouble(right)));
            case "%":
                if (left is long m && right is long d)
                {
                    long r = m % (long)NonZero(d);
                    return r != 0 && (r < 0) != (d < 0) ? r + d : r;
                }

                if (left is string)
                {
                    throw new InvalidOperationException("'%' string formatting is not supported; use '~' or '+'");
                }

                double dm = TemplateValues.ToDouble(left);
                double dd = NonZero(TemplateValues.ToDouble(right));
                return dm - (dd * Math.Floor(dm / dd));
            case "**":
                return left is long bl && right is long el && el >= 0 ? (object)(long)Math.Pow(bl, el) : Math.Pow(TemplateValues.ToDouble(left), TemplateValues.ToDouble(right));
            default:
                throw new InvalidOperationException($"unknown operator '{b.Op}'");
        }
    }

    private static double NonZero(double d) => d == 0 ? throw new InvalidOperationException("division by zero") : d;

    internal static bool Contains(object? container, object? item) => container switch
    {
        string s => item is string sub ? s.Contains(sub, StringComparison.Ordinal) : throw new InvalidOperationException($"'in <string>' needs a string on the left, not {TemplateValues.TypeName(item)}"),
        IDictionary<string, object?> d => item is string k && d.ContainsKey(k),
        IList l => l.Cast<object?>().Any(x => TemplateValues.AreEqual(x, item)),
        null or TemplateUndefined => false,
        _ => throw new InvalidOperationException($"{TemplateValues.TypeName(container)} does not support 'in'"),
    };

    internal static object? GetItem(object? target, object? key)
    {
        switch (target)
        {
            case IDictionary<string, object?> d:
                return key is string k && d.TryGetValue(k, out var v) ? v : TemplateUndefined.Instance;
            case IList l when key is long i:
                long index = i < 0 ? l.Count + i : i;
                return index >= 0 && index < l.Count ? l[(int)index] : TemplateUndefined.Instance;
            case string s when key is long i:
                long at = i < 0 ? s.Length + i : i;
                return at >= 0 && at < s.Length ? s[(int)at].ToString() : TemplateUndefined.Instance;
            case null or TemplateUndefined:
                return TemplateUndefined.Instance;
            default:
                return key is string name ? GetAttribute(target, name) : TemplateUndefined.Instance;
        }
    }

    internal static object? GetAttribute(object? target, string name)
    {
        if (target is IDictionary<string, object?> d && d.TryGetValue(name, out var v))
        {
            return v;
        }

        return TemplateMethods.Bind(target, name) ?? (object)TemplateUndefined.Instance;
    }

    private static object? Slice(object? target, object? start, object? stop, object? step)
    {
        var items = target switch
        {
            string s => s.Select(c => (object?)c.ToString()).ToList(),
            IList l => l.Cast<object?>().ToList(),
            null or TemplateUndefined => [],
            _ => throw new InvalidOperationException($"{TemplateValues.TypeName(target)} cannot be sliced"),
        };
        long n = items.Count;
        long st = step is long sv ? sv : 1;
        if (st == 0)
        {
            throw new InvalidOperationException("slice step cannot be zero");
        }

        long Norm(object? v, long whenMissing) => v is long x ? Math.Clamp(x < 0 ? x + n : x, st > 0 ? 0 : -1, st > 0 ? n : n - 1) : whenMissing;
        long from = Norm(start, st > 0 ? 0 : n - 1);
        long to = Norm(stop, st > 0 ? n : -1);
        var result = new List<object?>();
        for (long i = from; st > 0 ? i < to : i > to; i += st)
        {
            result.Add(items[(int)i]);
        }

        return target is string ? string.Concat(result.Cast<string>()) : result;
    }

    private static List<object?> Range(IReadOnlyList<object?> a)
    {
        long start = 0;
        long stop;
        long step = 1;
        if (a.Count == 1)
        {
            stop = (long)TemplateValues.ToDouble(a[0]);
        }
        else
        {
            start = (long)TemplateValues.ToDouble(a[0]);
            stop = (long)TemplateValues.ToDouble(a[1]);
            step = a.Count > 2 ? (long)TemplateValues.ToDouble(a[2]) : 1;
        }

        var list = new List<object?>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step)
        {
            list.Add(i);
        }

        return list;
    }

    private static string StrftimeNow(string format)
    {
        var now = DateTime.Now;
        var sb = new StringBuilder();
        for (int i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                sb.Append(format[i]);
                continue;
            }

            char c = format[++i];
            sb.Append(c switch
            {
                'd' => now.ToString("dd", CultureInfo.InvariantCulture),
                'm' => now.ToString("MM", CultureInfo.InvariantCulture),
                'Y' => now.ToString("yyyy", CultureInfo.InvariantCulture),
                'y' => now.ToString("yy", CultureInfo.InvariantCulture),
                'b' => now.ToString("MMM", CultureInfo.InvariantCulture),
                'B' => now.ToString("MMMM", CultureInfo.InvariantCulture),
                'H' => now.ToString("HH", CultureInfo.InvariantCulture),
                'M' => now.ToString("mm", CultureInfo.InvariantCulture),
                'S' => now.ToString("ss", CultureInfo.InvariantCulture),
                'A' => now.ToString("dddd", CultureInfo.InvariantCulture),
                'a' => now.ToString("ddd", CultureInfo.InvariantCulture),
                '%' => "%",
                _ => "%" + c,
            });
        }

        return sb.ToString();
    }

    private static string Describe(TemplateExpr e) => e switch
    {
        NameExpr n => n.Name,
        AttributeExpr a => Describe(a.Target) + "." + a.Name,
        _ => "expression",
    };

    private MultimodalException Fail(int position, string problem)
    {
        var at = TemplateSyntaxException.At(_source, position, problem);
        return new MultimodalException($"Chat template error at line {at.Line}, column {at.Column}: {problem}.");
    }
}

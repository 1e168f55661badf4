using System.Globalization;

namespace Multimodal.Sdk;

/// <summary>
/// Recursive-descent parser for the Jinja subset chat templates use, with Jinja's precedence: conditional
/// expression, <c>or</c>, <c>and</c>, <c>not</c>, comparisons and <c>in</c>, <c>+ -</c>, <c>~</c>, <c>* / // %</c>,
/// <c>**</c>, unary minus, then primaries with attribute, subscript, slice, call, filter (<c>|</c>) and test
/// (<c>is</c>) postfixes.
/// </summary>
internal sealed class TemplateParser
{
    private static readonly HashSet<string> Comparisons = ["==", "!=", "<", ">", "<=", ">="];

    private readonly string _source;
    private readonly List<TemplateToken> _tokens;
    private int _pos;

    private TemplateParser(string source)
    {
        _source = source;
        _tokens = TemplateLexer.Tokenize(source);
    }

    /// <exception cref="TemplateSyntaxException">The template does not parse.</exception>
    public static IReadOnlyList<TemplateNode> Parse(string source)
    {
        var parser = new TemplateParser(source);
        var body = parser.ParseBlock(out string? end);
        if (end is not null)
        {
            throw parser.Error($"unexpected '{{% {end} %}}' with no open block");
        }

        return body;
    }

    private TemplateToken Current => _tokens[_pos];

    // Parses statements until the end of the template or a tag that closes or continues a block (returned in endTag).
    private List<TemplateNode> ParseBlock(out string? endTag)
    {
        var nodes = new List<TemplateNode>();
        while (true)
        {
            var t = Current;
            switch (t.Kind)
            {
                case TemplateTokenKind.End:
                    endTag = null;
                    return nodes;
                case TemplateTokenKind.Text:
                    nodes.Add(new TextNode(t.Text));
                    _pos++;
                    break;
                case TemplateTokenKind.OutputStart:
                    _pos++;
                    nodes.Add(new OutputNode(ParseExpression()));
                    Expect(TemplateTokenKind.OutputEnd, "'}}'");
                    break;
                case TemplateTokenKind.StatementStart:
                    _pos++;
                    var keyword = Expect(TemplateTokenKind.Name, "a statement keyword");
                    switch (keyword.Text)
                    {
                        case "endfor" or "endif" or "elif" or "else" or "endset" or "endmacro" or "endgeneration":
                            _pos--;
                            endTag = keyword.Text;
                            return nodes;
                        case "if":
                            nodes.Add(ParseIf());
                            break;
                        case "for":
                            nodes.Add(ParseFor());
                            break;
                        case "set":
                            nodes.Add(ParseSet());
                            break;
                        case "macro":
                            nodes.Add(ParseMacro());
                            break;
                        case "generation":
                            EndStatement();
                            nodes.Add(new BlockNode(ParseUntil("endgeneration")));
                            break;
                        case "break" or "continue":
                            EndStatement();
                            nodes.Add(new LoopControlNode(keyword.Text == "break"));
                            break;
                        default:
                            throw Error($"unknown or unsupported statement '{keyword.Text}'", keyword.Position);
                    }

                    break;
                default:
                    throw Error($"unexpected '{t.Text}'");
            }
        }
    }

    private List<TemplateNode> ParseUntil(string end)
    {
        var body = ParseBlock(out string? tag);
        if (tag != end)
        {
            throw Error(tag is null ? $"missing '{{% {end} %}}'" : $"'{{% {tag} %}}' where '{{% {end} %}}' was expected");
        }

        _pos++;
        EndStatement();
        return body;
    }

    private IfNode ParseIf()
    {
        var branches = new List<(TemplateExpr, IReadOnlyList<TemplateNode>)>();
        var condition = ParseExpression();
        EndStatement();
        while (true)
        {
            var body = ParseBlock(out string? tag);
            branches.Add((condition, body));
            switch (tag)
            {
                case "elif":
                    _pos++;
                    condition = ParseExpression();
                    EndStatement();
                    continue;
                case "else":
                    _pos++;
                    EndStatement();
                    return new IfNode(branches, ParseUntil("endif"));
                case "endif":
                    _pos++;
                    EndStatement();
                    return new IfNode(branches, []);
                default:
                    throw Error(tag is null ? "missing '{% endif %}'" : $"'{{% {tag} %}}' inside an if block");
            }
        }
    }

    private ForNode ParseFor()
    {
        var targets = new List<string> { Expect(TemplateTokenKind.Name, "a loop variable").Text };
        while (IsOperator(","))
        {
            _pos++;
            targets.Add(Expect(TemplateTokenKind.Name, "a loop variable").Text);
        }

        ExpectName("in");
        var iterable = ParseOr();
        TemplateExpr? filter = null;
        if (IsName("if"))
        {
            _pos++;
            filter = ParseOr();
        }

        EndStatement();
        var body = ParseBlock(out string? tag);
        if (tag == "else")
        {
            _pos++;
            EndStatement();
            return new ForNode(targets, iterable, filter, body, ParseUntil("endfor"));
        }

        if (tag != "endfor")
        {
            throw Error(tag is null ? "missing '{% endfor %}'" : $"'{{% {tag} %}}' inside a for block");
        }

        _pos++;
        EndStatement();
        return new ForNode(targets, iterable, filter, body, []);
    }

    private SetNode ParseSet()
    {
        string name = Expect(TemplateTokenKind.Name, "a variable name").Text;
        string? attribute = null;
        if (IsOperator("."))
        {
            _pos++;
            attribute = Expect(TemplateTokenKind.Name, "an attribute name").Text;
        }

        if (Current.Kind == TemplateTokenKind.StatementEnd && attribute is null)
        {
            _pos++;
            return new SetNode(name, null, null, ParseUntil("endset"));
        }

        ExpectOperator("=");
        var value = ParseExpression();
        EndStatement();
        return new SetNode(name, attribute, value, null);
    }

    private MacroNode ParseMacro()
    {
        string name = Expect(TemplateTokenKind.Name, "a macro name").Text;
        ExpectOperator("(");
        var parameters = new List<(string, TemplateExpr?)>();
        while (!IsOperator(")"))
        {
            string p = Expect(TemplateTokenKind.Name, "a parameter name").Text;
            TemplateExpr? def = null;
            if (IsOperator("="))
            {
                _pos++;
                def = ParseExpression();
            }

            parameters.Add((p, def));
            if (!IsOperator(","))
            {
                break;
            }

            _pos++;
        }

        ExpectOperator(")");
        EndStatement();
        return new MacroNode(name, parameters, ParseUntil("endmacro"));
    }

    private TemplateExpr ParseExpression()
    {
        var value = ParseOr();
        if (IsName("if"))
        {
            int at = Current.Position;
            _pos++;
            var condition = ParseOr();
            TemplateExpr? otherwise = null;
            if (IsName("else"))
            {
                _pos++;
                otherwise = ParseExpression();
            }

            return new ConditionalExpr(condition, value, otherwise, at);
        }

        return value;
    }

    private TemplateExpr ParseOr()
    {
        var left = ParseAnd();
        while (IsName("or"))
        {
            int at = Current.Position;
            _pos++;
            left = new BinaryExpr("or", left, ParseAnd(), at);
        }

        return left;
    }

    private TemplateExpr ParseAnd()
    {
        var left = ParseNot();
        while (IsName("and"))
        {
            int at = Current.Position;
            _pos++;
            left = new BinaryExpr("and", left, ParseNot(), at);
        }

        return left;
    }

    private TemplateExpr ParseNot()
    {
        if (IsName("not"))
        {
            int at = Current.Position;
            _pos++;
            return new UnaryExpr("not", ParseNot(), at);
        }

        return ParseCompare();
    }

    // Comparisons chain as in Python: a < b <= c means (a < b) and (b <= c).
    private TemplateExpr ParseCompare()
    {
        var left = ParseAdditive();
        TemplateExpr? chained = null;
        while (true)
        {
            int at = Current.Position;
            string op;
            bool negate = false;
            if (Current.Kind == TemplateTokenKind.Operator && Comparisons.Contains(Current.Text))
            {
                op = Current.Text;
                _pos++;
            }
            else if (IsName("in"))
            {
                op = "in";
                _pos++;
            }
            else if (IsName("not") && _tokens[_pos + 1] is { Kind: TemplateTokenKind.Name, Text: "in" })
            {
                op = "in";
                negate = true;
                _pos += 2;
            }
            else
            {
                return chained ?? left;
            }

            var right = ParseAdditive();
            TemplateExpr comparison = new BinaryExpr(op, left, right, at);
            if (negate)
            {
                comparison = new UnaryExpr("not", comparison, at);
            }

            chained = chained is null ? comparison : new BinaryExpr("and", chained, comparison, at);
            left = right;
        }
    }

    private TemplateExpr ParseAdditive()
    {
        var left = ParseConcat();
        while (IsOperator("+") || IsOperator("-"))
        {
            var op = Current;
            _pos++;
            left = new BinaryExpr(op.Text, left, ParseConcat(), op.Position);
        }

        return left;
    }

    private TemplateExpr ParseConcat()
    {
        var left = ParseMultiplicative();
        while (IsOperator("~"))
        {
            int at = Current.Position;
            _pos++;
            left = new BinaryExpr("~", left, ParseMultiplicative(), at);
        }

        return left;
    }

    private TemplateExpr ParseMultiplicative()
    {
        var left = ParsePower();
        while (IsOperator("*") || IsOperator("/") || IsOperator("//") || IsOperator("%"))
        {
            var op = Current;
            _pos++;
            left = new BinaryExpr(op.Text, left, ParsePower(), op.Position);
        }

        return left;
    }

    private TemplateExpr ParsePower()
    {
        var left = ParseUnary();
        while (IsOperator("**"))
        {
            int at = Current.Position;
            _pos++;
            left = new BinaryExpr("**", left, ParseUnary(), at);
        }

        return left;
    }

    private TemplateExpr ParseUnary()
    {
        if (IsOperator("-") || IsOperator("+"))
        {
            var op = Current;
            _pos++;
            return new UnaryExpr(op.Text, ParseUnary(), op.Position);
        }

        return ParseFilters(ParsePostfix(ParsePrimary()));
    }

    private TemplateExpr ParsePrimary()
    {
        var t = Current;
        _pos++;
        switch (t.Kind)
        {
            case TemplateTokenKind.String:
                // Adjacent string literals concatenate, as in Python.
                string text = t.Text;
                while (Current.Kind == TemplateTokenKind.String)
                {
                    text += Current.Text;
                    _pos++;
                }

                return new LiteralExpr(text, t.Position);
            case TemplateTokenKind.Integer:
                return new LiteralExpr(long.Parse(t.Text, CultureInfo.InvariantCulture), t.Position);
            case TemplateTokenKind.Float:
                return new LiteralExpr(double.Parse(t.Text, CultureInfo.InvariantCulture), t.Position);
            case TemplateTokenKind.Name:
                return t.Text switch
                {
                    "true" or "True" => new LiteralExpr(true, t.Position),
                    "false" or "False" => new LiteralExpr(false, t.Position),
                    "none" or "None" => new LiteralExpr(null, t.Position),
                    _ => new NameExpr(t.Text, t.Position),
                };
            case TemplateTokenKind.Operator when t.Text == "(":
                var first = ParseExpression();
                if (IsOperator(","))
                {
                    var items = new List<TemplateExpr> { first };
                    while (IsOperator(","))
                    {
                        _pos++;
                        if (IsOperator(")"))
                        {
                            break;
                        }

                        items.Add(ParseExpression());
                    }

                    ExpectOperator(")");
                    return new ListExpr(items, t.Position);
                }

                ExpectOperator(")");
                return first;
            case TemplateTokenKind.Operator when t.Text == "[":
                var list = new List<TemplateExpr>();
                while (!IsOperator("]"))
                {
                    list.Add(ParseExpression());
                    if (!IsOperator(","))
                    {
                        break;
                    }

                    _pos++;
                }

                ExpectOperator("]");
                return new ListExpr(list, t.Position);
            case TemplateTokenKind.Operator when t.Text == "{":
                var pairs = new List<(TemplateExpr, TemplateExpr)>();
                while (!IsOperator("}"))
                {
                    var key = ParseExpression();
                    ExpectOperator(":");
                    pairs.Add((key, ParseExpression()));
                    if (!IsOperator(","))
                    {
                        break;
                    }

                    _pos++;
                }

                ExpectOperator("}");
                return new DictExpr(pairs, t.Position);
            default:
                _pos--;
                throw Error(t.Kind is TemplateTokenKind.OutputEnd or TemplateTokenKind.StatementEnd or TemplateTokenKind.End ? "an expression was expected" : $"unexpected '{t.Text}'");
        }
    }

    private TemplateExpr ParsePostfix(TemplateExpr target)
    {
        while (true)
        {
            var t = Current;
            if (IsOperator("."))
            {
                _pos++;
                var name = Current;
                if (name.Kind is not (TemplateTokenKind.Name or TemplateTokenKind.Integer))
                {
                    throw Error("an attribute name was expected after '.'");
                }

                _pos++;
                target = name.Kind == TemplateTokenKind.Integer
                    ? new IndexExpr(target, new LiteralExpr(long.Parse(name.Text, CultureInfo.InvariantCulture), name.Position), t.Position)
                    : new AttributeExpr(target, name.Text, t.Position);
            }
            else if (IsOperator("["))
            {
                _pos++;
                target = ParseSubscript(target, t.Position);
            }
            else if (IsOperator("("))
            {
                _pos++;
                var (args, kwargs) = ParseArguments();
                target = new CallExpr(target, args, kwargs, t.Position);
            }
            else
            {
                return target;
            }
        }
    }

    private TemplateExpr ParseSubscript(TemplateExpr target, int at)
    {
        TemplateExpr? start = IsOperator(":") ? null : ParseExpression();
        if (!IsOperator(":"))
        {
            ExpectOperator("]");
            return new IndexExpr(target, start!, at);
        }

        _pos++;
        TemplateExpr? stop = IsOperator(":") || IsOperator("]") ? null : ParseExpression();
        TemplateExpr? step = null;
        if (IsOperator(":"))
        {
            _pos++;
            step = IsOperator("]") ? null : ParseExpression();
        }

        ExpectOperator("]");
        return new SliceExpr(target, start, stop, step, at);
    }

    // After '(' has been read: positional and keyword arguments up to ')'.
    private (List<TemplateExpr> Args, List<(string, TemplateExpr)> Kwargs) ParseArguments()
    {
        var args = new List<TemplateExpr>();
        var kwargs = new List<(string, TemplateExpr)>();
        while (!IsOperator(")"))
        {
            if (Current.Kind == TemplateTokenKind.Name && _tokens[_pos + 1] is { Kind: TemplateTokenKind.Operator, Text: "=" })
            {
                string name = Current.Text;
                _pos += 2;
                kwargs.Add((name, ParseExpression()));
            }
            else
            {
                args.Add(ParseExpression());
            }

            if (!IsOperator(","))
            {
                break;
            }

            _pos++;
        }

        ExpectOperator(")");
        return (args, kwargs);
    }

    private TemplateExpr ParseFilters(TemplateExpr target)
    {
        while (true)
        {
            if (IsOperator("|"))
            {
                int at = Current.Position;
                _pos++;
                string name = Expect(TemplateTokenKind.Name, "a filter name").Text;
                List<TemplateExpr> args = [];
                List<(string, TemplateExpr)> kwargs = [];
                if (IsOperator("("))
                {
                    _pos++;
                    (args, kwargs) = ParseArguments();
                }

                target = new FilterExpr(target, name, args, kwargs, at);
            }
            else if (IsName("is"))
            {
                int at = Current.Position;
                _pos++;
                bool negated = false;
                if (IsName("not"))
                {
                    negated = true;
                    _pos++;
                }

                var nameToken = Current;
                string name = nameToken.Kind == TemplateTokenKind.Name ? nameToken.Text
                    : nameToken is { Kind: TemplateTokenKind.Operator, Text: "==" or "!=" or "<" or ">" or "<=" or ">=" } ? nameToken.Text
                    : throw Error("a test name was expected after 'is'");
                _pos++;
                var args = new List<TemplateExpr>();
                if (IsOperator("("))
                {
                    _pos++;
                    args = ParseArguments().Args;
                }
                else if (Current.Kind is TemplateTokenKind.String or TemplateTokenKind.Integer or TemplateTokenKind.Float
                    || (Current.Kind == TemplateTokenKind.Name && Current.Text is not ("and" or "or" or "if" or "else" or "not" or "in" or "is")))
                {
                    // A test takes one argument without parentheses: `x is divisibleby 3`, `x is sameas none`.
                    args.Add(ParsePrimary());
                }

                target = new TestExpr(target, name, args, negated, at);
            }
            else
            {
                return target;
            }
        }
    }

    private bool IsOperator(string op) => Current.Kind == TemplateTokenKind.Operator && Current.Text == op;

    private bool IsName(string name) => Current.Kind == TemplateTokenKind.Name && Current.Text == name;

    private TemplateToken Expect(TemplateTokenKind kind, string what)
    {
        var t = Current;
        if (t.Kind != kind)
        {
            throw Error($"{what} was expected, found {Describe(t)}");
        }

        _pos++;
        return t;
    }

    private void ExpectName(string name)
    {
        if (!IsName(name))
        {
            throw Error($"'{name}' was expected, found {Describe(Current)}");
        }

        _pos++;
    }

    private void ExpectOperator(string op)
    {
        if (!IsOperator(op))
        {
            throw Error($"'{op}' was expected, found {Describe(Current)}");
        }

        _pos++;
    }

    private void EndStatement() => Expect(TemplateTokenKind.StatementEnd, "'%}'");

    private static string Describe(TemplateToken t) => t.Kind switch
    {
        TemplateTokenKind.End => "the end of the template",
        TemplateTokenKind.Text => "text",
        TemplateTokenKind.String => $"the string '{t.Text}'",
        _ => $"'{t.Text}'",
    };

    private TemplateSyntaxException Error(string problem, int? position = null) => TemplateSyntaxException.At(_source, position ?? Current.Position, problem);
}

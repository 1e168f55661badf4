using System.Globalization;
using System.Text;

namespace Multimodal.Sdk;

/// <summary>The kinds of token a chat template is cut into.</summary>
internal enum TemplateTokenKind
{
    Text,
    OutputStart,
    OutputEnd,
    StatementStart,
    StatementEnd,
    Name,
    String,
    Integer,
    Float,
    Operator,
    End,
}

/// <summary>One token with its offset in the template source (for error positions).</summary>
internal readonly record struct TemplateToken(TemplateTokenKind Kind, string Text, int Position);

/// <summary>
/// Cuts a Jinja template into text and tag tokens, applying whitespace control (<c>{%- -%}</c>, <c>{{- -}}</c>) and
/// the two environment flags Hugging Face renders chat templates with: <c>trim_blocks</c> (drop the first newline
/// after a statement or comment) and <c>lstrip_blocks</c> (drop spaces and tabs before a statement or comment that
/// starts a line).
/// </summary>
internal static class TemplateLexer
{
    private static readonly string[] Operators =
    [
        "**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "(", ")", "[", "]", "{", "}", ",", ":", ".", "|", "=",
    ];

    /// <exception cref="TemplateSyntaxException">An unterminated tag, string or comment, or a character no token starts with.</exception>
    public static List<TemplateToken> Tokenize(string source)
    {
        var tokens = new List<TemplateToken>();
        int pos = 0;
        bool stripNextText = false;
        bool trimNextNewline = false;
        while (pos < source.Length)
        {
            int tag = FindTagStart(source, pos);
            int textEnd = tag < 0 ? source.Length : tag;
            string text = source[pos..textEnd];
            if (trimNextNewline)
            {
                if (text.StartsWith("\r\n", StringComparison.Ordinal))
                {
                    text = text[2..];
                }
                else if (text.StartsWith('\n'))
                {
                    text = text[1..];
                }
            }

            if (stripNextText)
            {
                text = text.TrimStart();
            }

            stripNextText = false;
            trimNextNewline = false;
            if (tag < 0)
            {
                AddText(tokens, text, pos);
                break;
            }

            char kind = source[tag + 1];
            char modifier = tag + 2 < source.Length ? source[tag + 2] : '\0';
            if (modifier == '-')
            {
                text = text.TrimEnd();
            }
            else if (kind != '{' && modifier != '+')
            {
                text = LstripBlock(source, tag, text);
            }

            AddText(tokens, text, pos);
            int inner = tag + 2 + (modifier is '-' or '+' ? 1 : 0);
            if (kind == '#')
            {
                int close = source.IndexOf("#}", inner, StringComparison.Ordinal);
                if (close < 0)
                {
                    throw TemplateSyntaxException.At(source, tag, "unterminated comment: '{#' has no closing '#}'");
                }

                stripNextText = source[close - 1] == '-' && close - 1 >= inner;
                trimNextNewline = !stripNextText;
                pos = close + 2;
                continue;
            }

            bool output = kind == '{';
            tokens.Add(new TemplateToken(output ? TemplateTokenKind.OutputStart : TemplateTokenKind.StatementStart, output ? "{{" : "{%", tag));
            pos = LexTag(source, inner, output, tokens, out bool strip);
            stripNextText = strip;
            trimNextNewline = !output && !strip;
        }

        tokens.Add(new TemplateToken(TemplateTokenKind.End, string.Empty, source.Length));
        return tokens;
    }

    private static void AddText(List<TemplateToken> tokens, string text, int pos)
    {
        if (text.Length > 0)
        {
            tokens.Add(new TemplateToken(TemplateTokenKind.Text, text, pos));
        }
    }

    // lstrip_blocks: spaces and tabs between the start of a source line and a statement tag are not output.
    private static string LstripBlock(string source, int tag, string text)
    {
        int i = tag;
        while (i > 0 && source[i - 1] is ' ' or '\t')
        {
            i--;
        }

        if (i > 0 && source[i - 1] != '\n')
        {
            return text;
        }

        return text[..Math.Max(0, text.Length - (tag - i))];
    }

    private static int FindTagStart(string source, int from)
    {
        for (int i = source.IndexOf('{', from); i >= 0 && i + 1 < source.Length; i = source.IndexOf('{', i + 1))
        {
            if (source[i + 1] is '{' or '%' or '#')
            {
                return i;
            }
        }

        return -1;
    }

    private static int LexTag(string source, int pos, bool output, List<TemplateToken> tokens, out bool stripAfter)
    {
        string close = output ? "}}" : "%}";
        int open = pos;
        while (true)
        {
            while (pos < source.Length && char.IsWhiteSpace(source[pos]))
            {
                pos++;
            }

            if (pos >= source.Length)
            {
                throw TemplateSyntaxException.At(source, open - 2, $"unterminated tag: no closing '{close}'");
            }

            if (source[pos] == '-' && string.CompareOrdinal(source, pos + 1, close, 0, 2) == 0)
            {
                tokens.Add(new TemplateToken(output ? TemplateTokenKind.OutputEnd : TemplateTokenKind.StatementEnd, close, pos));
                stripAfter = true;
                return pos + 3;
            }

            if (string.CompareOrdinal(source, pos, close, 0, 2) == 0)
            {
                tokens.Add(new TemplateToken(output ? TemplateTokenKind.OutputEnd : TemplateTokenKind.StatementEnd, close, pos));
                stripAfter = false;
                return pos + 2;
            }

            char c = source[pos];
            if (c is '\'' or '"')
            {
                pos = LexString(source, pos, tokens);
            }
            else if (char.IsAsciiDigit(c))
            {
                int start = pos;
                while (pos < source.Length && (char.IsAsciiDigit(source[pos]) || source[pos] == '_'))
                {
                    pos++;
                }

                bool isFloat = pos + 1 < source.Length && source[pos] == '.' && char.IsAsciiDigit(source[pos + 1]);
                if (isFloat)
                {
                    pos++;
                    while (pos < source.Length && char.IsAsciiDigit(source[pos]))
                    {
                        pos++;
                    }
                }

                tokens.Add(new TemplateToken(isFloat ? TemplateTokenKind.Float : TemplateTokenKind.Integer, source[start..pos].Replace("_", string.Empty, StringComparison.Ordinal), start));
            }
            else if (char.IsLetter(c) || c == '_')
            {
                int start = pos;
                while (pos < source.Length && (char.IsLetterOrDigit(source[pos]) || source[pos] == '_'))
                {
                    pos++;
                }

                tokens.Add(new TemplateToken(TemplateTokenKind.Name, source[start..pos], start));
            }
            else
            {
                string? op = Operators.FirstOrDefault(o => string.CompareOrdinal(source, pos, o, 0, o.Length) == 0);
                if (op is null)
                {
                    throw TemplateSyntaxException.At(source, pos, $"unexpected character '{c}'");
                }

                tokens.Add(new TemplateToken(TemplateTokenKind.Operator, op, pos));
                pos += op.Length;
            }
        }
    }

    private static int LexString(string source, int pos, List<TemplateToken> tokens)
    {
        char quote = source[pos];
        int start = pos++;
        var sb = new StringBuilder();
        while (true)
        {
            if (pos >= source.Length)
            {
                throw TemplateSyntaxException.At(source, start, "unterminated string literal");
            }

            char c = source[pos++];
            if (c == quote)
            {
                break;
            }

            if (c != '\\' || pos >= source.Length)
            {
                sb.Append(c);
                continue;
            }

            char e = source[pos++];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case '\\': sb.Append('\\'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case 'u' when pos + 4 <= source.Length && int.TryParse(source.AsSpan(pos, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int code):
                    sb.Append((char)code);
                    pos += 4;
                    break;
                default:
                    // Python keeps unknown escapes as written.
                    sb.Append('\\').Append(e);
                    break;
            }
        }

        tokens.Add(new TemplateToken(TemplateTokenKind.String, sb.ToString(), start));
        return pos;
    }
}

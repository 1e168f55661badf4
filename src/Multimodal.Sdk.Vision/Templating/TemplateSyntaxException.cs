namespace Multimodal.Sdk;

/// <summary>A chat template that does not parse; the message gives the line and column.</summary>
internal sealed class TemplateSyntaxException : MultimodalException
{
    public TemplateSyntaxException(string message, int line, int column)
        : base(message)
    {
        Line = line;
        Column = column;
    }

    public int Line { get; }

    public int Column { get; }

    public static TemplateSyntaxException At(string source, int position, string problem)
    {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < position && i < source.Length; i++)
        {
            if (source[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        int column = position - lineStart + 1;
        int end = source.IndexOf('\n', lineStart);
        string excerpt = source[lineStart..(end < 0 ? source.Length : end)];
        if (excerpt.Length > 80)
        {
            int from = Math.Max(0, column - 40);
            excerpt = excerpt.Substring(from, Math.Min(80, excerpt.Length - from));
        }

        return new TemplateSyntaxException($"Chat template syntax error at line {line}, column {column}: {problem}. Near: {excerpt}", line, column);
    }
}

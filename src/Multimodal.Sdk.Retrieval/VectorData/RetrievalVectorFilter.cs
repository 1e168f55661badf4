using System.Linq.Expressions;
using System.Text.Json;

namespace Multimodal.Sdk;

/// <summary>
/// The VectorData filters the retrieval stores understand: equalities on <see cref="RetrievalVectorRecord"/> string
/// properties joined by <c>&amp;&amp;</c> (<c>r =&gt; r.Modality == "image" &amp;&amp; r.ContentHash == hash</c>), and
/// <c>r =&gt; true</c>. Anything else is a <see cref="NotSupportedException"/> naming what is supported.
/// </summary>
internal static class RetrievalVectorFilter
{
    public static Dictionary<string, string> Translate(Expression<Func<RetrievalVectorRecord, bool>>? filter)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (filter is not null)
        {
            Visit(filter.Body, filter.Parameters[0], result);
        }

        return result;
    }

    public static bool Matches(RetrievalRecord record, Dictionary<string, string> equalities)
    {
        foreach (var (property, value) in equalities)
        {
            string actual = property switch
            {
                nameof(RetrievalVectorRecord.Id) => record.Id,
                nameof(RetrievalVectorRecord.Modality) => RetrievalVectorRecord.ModalityName(record.Modality),
                nameof(RetrievalVectorRecord.Source) => record.Source,
                nameof(RetrievalVectorRecord.ContentHash) => record.ContentHash,
                _ => throw new NotSupportedException($"Filtering on {property} is not supported."),
            };
            if (!string.Equals(actual, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <see cref="RetrievalSearchOptions.MetadataEquals"/> on a record's metadata, compared as text the way PostgreSQL's
    /// <c>metadata-&gt;&gt;'key'</c> renders a top-level scalar (strings unquoted, numbers as written, true / false).
    /// </summary>
    public static bool MetadataMatches(JsonElement? metadata, IDictionary<string, string> equals)
    {
        if (equals.Count == 0)
        {
            return true;
        }

        if (metadata is not { ValueKind: JsonValueKind.Object } m)
        {
            return false;
        }

        foreach (var (key, value) in equals)
        {
            if (!m.TryGetProperty(key, out var p))
            {
                return false;
            }

            string? text = p.ValueKind switch
            {
                JsonValueKind.String => p.GetString(),
                JsonValueKind.Number => p.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => p.GetRawText(),
            };
            if (!string.Equals(text, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static void Visit(Expression node, ParameterExpression record, Dictionary<string, string> result)
    {
        switch (node)
        {
            case ConstantExpression { Value: true }:
                return;
            case BinaryExpression { NodeType: ExpressionType.AndAlso } and:
                Visit(and.Left, record, result);
                Visit(and.Right, record, result);
                return;
            case BinaryExpression { NodeType: ExpressionType.Equal } eq:
                if (PropertyOf(eq.Left, record) is { } left && !DependsOn(eq.Right, record))
                {
                    Add(result, left, Evaluate(eq.Right));
                    return;
                }

                if (PropertyOf(eq.Right, record) is { } right && !DependsOn(eq.Left, record))
                {
                    Add(result, right, Evaluate(eq.Left));
                    return;
                }

                break;
        }

        throw new NotSupportedException(
            $"The filter '{node}' is not supported: use equalities on {nameof(RetrievalVectorRecord.Modality)}, {nameof(RetrievalVectorRecord.Id)}, " +
            $"{nameof(RetrievalVectorRecord.Source)} or {nameof(RetrievalVectorRecord.ContentHash)} joined by &&.");
    }

    private static void Add(Dictionary<string, string> result, string property, string? value)
    {
        if (value is null)
        {
            throw new NotSupportedException($"A filter comparing {property} with null is not supported.");
        }

        if (result.TryGetValue(property, out var existing) && existing != value)
        {
            // Two different values for one property can never match; keep the contradiction visible to Matches.
            result[property] = existing + "\0" + value;
            return;
        }

        result[property] = property == nameof(RetrievalVectorRecord.Modality) ? value.ToLowerInvariant() : value;
    }

    private static string? PropertyOf(Expression e, ParameterExpression record) =>
        e is MemberExpression { Member.Name: var name } m && m.Expression == record
            && name is nameof(RetrievalVectorRecord.Id) or nameof(RetrievalVectorRecord.Modality) or nameof(RetrievalVectorRecord.Source) or nameof(RetrievalVectorRecord.ContentHash)
            ? name
            : null;

    private static bool DependsOn(Expression e, ParameterExpression record)
    {
        var finder = new ParameterFinder(record);
        finder.Visit(e);
        return finder.Found;
    }

    private static string? Evaluate(Expression e) =>
        e is ConstantExpression c ? c.Value?.ToString() : Expression.Lambda<Func<object?>>(Expression.Convert(e, typeof(object))).Compile()()?.ToString();

    private sealed class ParameterFinder(ParameterExpression parameter) : ExpressionVisitor
    {
        public bool Found { get; private set; }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            Found |= node == parameter;
            return node;
        }
    }
}

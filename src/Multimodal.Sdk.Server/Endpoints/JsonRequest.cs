using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Multimodal.Sdk;

/// <summary>
/// A JSON request body read as a tree, with typed field access whose errors are 400s naming the field (OpenAI's
/// <c>param</c>), so a client sees which part of its request was wrong.
/// </summary>
internal sealed class JsonRequest(JsonObject root)
{
    public JsonObject Root { get; } = root;

    public static async Task<JsonRequest> ReadAsync(HttpContext context)
    {
        JsonNode? node;
        try
        {
            node = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw ApiError.BadRequest($"The request body is not valid JSON: {e.Message}", code: "invalid_json");
        }

        return node is JsonObject o ? new JsonRequest(o) : throw ApiError.BadRequest("The request body must be a JSON object.", code: "invalid_json");
    }

    public JsonNode? this[string name] => Root[name];

    public string RequiredString(string name) =>
        String(name) is { Length: > 0 } s ? s : throw ApiError.BadRequest($"'{name}' is required.", name, "missing_required_parameter");

    public string? String(string name) => Root[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? s) => s,
        _ => throw ApiError.BadRequest($"'{name}' must be a string.", name),
    };

    public bool Bool(string name, bool fallback = false) => Root[name] switch
    {
        null => fallback,
        JsonValue v when v.TryGetValue(out bool b) => b,
        _ => throw ApiError.BadRequest($"'{name}' must be a boolean.", name),
    };

    public int? Int(string name, int min, int max)
    {
        double? d = Number(name);
        if (d is null)
        {
            return null;
        }

        if (d != Math.Floor(d.Value) || d < min || d > max)
        {
            throw ApiError.BadRequest(string.Create(CultureInfo.InvariantCulture, $"'{name}' must be an integer from {min} to {max}."), name);
        }

        return (int)d.Value;
    }

    public float? Float(string name, float min, float max)
    {
        double? d = Number(name);
        if (d is { } v && (v < min || v > max || double.IsNaN(v)))
        {
            throw ApiError.BadRequest(string.Create(CultureInfo.InvariantCulture, $"'{name}' must be from {min} to {max}."), name);
        }

        return d is null ? null : (float)d.Value;
    }

    private double? Number(string name) => Root[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out double d) => d,
        _ => throw ApiError.BadRequest($"'{name}' must be a number.", name),
    };
}

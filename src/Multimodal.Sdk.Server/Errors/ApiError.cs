using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Multimodal.Sdk;

/// <summary>
/// An error answered in OpenAI's shape, <c>{"error":{"message","type","param","code"}}</c>, which every OpenAI client
/// parses into its own exception type.
/// </summary>
internal sealed class ApiError(int status, string message, string type = ApiError.InvalidRequest, string? code = null, string? param = null) : Exception(message)
{
    public const string InvalidRequest = "invalid_request_error";
    public const string ServerError = "server_error";

    public int Status { get; } = status;

    public string Type { get; } = type;

    public string? Code { get; } = code;

    public string? Param { get; } = param;

    public static ApiError BadRequest(string message, string? param = null, string? code = null) => new(StatusCodes.Status400BadRequest, message, InvalidRequest, code, param);

    public static ApiError UnknownModel(string model) =>
        new(StatusCodes.Status404NotFound, $"The model '{model}' does not exist on this server; GET /v1/models lists those served.", InvalidRequest, "model_not_found", "model");

    public static ApiError NotServed(string what) =>
        new(StatusCodes.Status404NotFound, $"This server has no {what} configured.", InvalidRequest, "model_not_found", "model");

    public Task WriteAsync(HttpContext context) => Write(context, Status, Message, Type, Code, Param);

    public static async Task Write(HttpContext context, int status, string message, string type, string? code, string? param)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = ServerJson.Options.Encoder }))
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("message", message);
            json.WriteString("type", type);
            WriteNullable(json, "param", param);
            WriteNullable(json, "code", code);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        await context.Response.Body.WriteAsync(buffer.ToArray(), context.RequestAborted).ConfigureAwait(false);
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}

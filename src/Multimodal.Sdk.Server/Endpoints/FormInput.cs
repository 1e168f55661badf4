using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Multimodal.Sdk;

/// <summary>A multipart form request with typed field access whose errors are 400s naming the field.</summary>
internal sealed class FormInput(IFormCollection form)
{
    public static async Task<FormInput> ReadAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            throw ApiError.BadRequest("Expected a multipart/form-data request body.", code: "invalid_content_type");
        }

        return new FormInput(await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false));
    }

    public IFormFile RequiredFile(string name, string? alternative = null)
    {
        var file = form.Files.GetFile(name) ?? (alternative is null ? null : form.Files.GetFile(alternative));
        return file is { Length: > 0 } ? file : throw ApiError.BadRequest($"The form needs a non-empty file field '{name}'.", name, "missing_required_parameter");
    }

    public string? String(string name) => form.TryGetValue(name, out var v) && v.Count > 0 && !string.IsNullOrEmpty(v[0]) ? v[0] : null;

    public string RequiredString(string name) =>
        String(name) ?? throw ApiError.BadRequest($"The form needs a field '{name}'.", name, "missing_required_parameter");

    public IEnumerable<string> Strings(string name) => form.TryGetValue(name, out var v) ? v.OfType<string>().Where(s => s.Length > 0) : [];

    public float? Float(string name, float min, float max)
    {
        if (String(name) is not { } s)
        {
            return null;
        }

        return float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out float f) && f >= min && f <= max
            ? f
            : throw ApiError.BadRequest(string.Create(CultureInfo.InvariantCulture, $"'{name}' must be a number from {min} to {max}."), name);
    }

    public int? Int(string name, int min, int max)
    {
        if (String(name) is not { } s)
        {
            return null;
        }

        return int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) && i >= min && i <= max
            ? i
            : throw ApiError.BadRequest(string.Create(CultureInfo.InvariantCulture, $"'{name}' must be an integer from {min} to {max}."), name);
    }
}

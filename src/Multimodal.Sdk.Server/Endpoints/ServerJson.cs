using System.Text.Encodings.Web;
using System.Text.Json;

namespace Multimodal.Sdk;

/// <summary>How responses are written: compact, and without escaping '+' or non-ASCII text (answers go to JSON clients, never into HTML).</summary>
internal static class ServerJson
{
    public static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}

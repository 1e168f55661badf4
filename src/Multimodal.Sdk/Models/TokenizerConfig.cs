using System.Text.Json;

namespace Multimodal.Sdk;

/// <summary>
/// <c>tokenizer_config.json</c>: the chat template and the special tokens by content. Tokens may be written as
/// strings or as AddedToken objects (<c>{"content": "&lt;s&gt;", ...}</c>); both are read.
/// </summary>
internal sealed record TokenizerConfig
{
    public string? ChatTemplate { get; init; }

    public IReadOnlyDictionary<string, string> NamedChatTemplates { get; init; } = new Dictionary<string, string>();

    public string? BosToken { get; init; }

    public string? EosToken { get; init; }

    public string? PadToken { get; init; }

    public string? UnkToken { get; init; }

    public int? ModelMaxLength { get; init; }

    public bool? AddBosToken { get; init; }

    public bool? AddEosToken { get; init; }

    public bool CleanUpTokenizationSpaces { get; init; } = true;

    public static TokenizerConfig From(JsonConfig? json)
    {
        if (json is null)
        {
            return new TokenizerConfig();
        }

        string? template = null;
        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        if (json.TryFind("chat_template", out var t))
        {
            if (t.ValueKind == JsonValueKind.String)
            {
                template = t.GetString();
            }
            else if (t.ValueKind == JsonValueKind.Array)
            {
                // Newer exports list several named templates; "default" is the one applied unless asked otherwise.
                foreach (var item in t.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("name", out var n) && item.TryGetProperty("template", out var tt)
                        && n.ValueKind == JsonValueKind.String && tt.ValueKind == JsonValueKind.String)
                    {
                        named[n.GetString()!] = tt.GetString()!;
                    }
                }

                template = named.GetValueOrDefault("default");
            }
            else if (t.ValueKind != JsonValueKind.Null)
            {
                throw json.WrongType("chat_template", "a string or a list of named templates", t);
            }
        }

        // model_max_length is often 1e30 ("no limit") in real exports; anything beyond int range means unlimited.
        double? maxLen = json.TryGetDouble("model_max_length");
        return new TokenizerConfig
        {
            ChatTemplate = template,
            NamedChatTemplates = named,
            BosToken = Token(json, "bos_token"),
            EosToken = Token(json, "eos_token"),
            PadToken = Token(json, "pad_token"),
            UnkToken = Token(json, "unk_token"),
            ModelMaxLength = maxLen is > 0 and < int.MaxValue ? (int)maxLen : null,
            AddBosToken = json.TryGetBoolean("add_bos_token"),
            AddEosToken = json.TryGetBoolean("add_eos_token"),
            CleanUpTokenizationSpaces = json.TryGetBoolean("clean_up_tokenization_spaces") ?? true,
        };
    }

    private static string? Token(JsonConfig json, string name)
    {
        if (!json.TryFind(name, out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return e.ValueKind switch
        {
            JsonValueKind.String => e.GetString(),
            JsonValueKind.Object when e.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String => c.GetString(),
            _ => throw json.WrongType(name, "a string or an AddedToken object with 'content'", e),
        };
    }
}

using System.Text.Json;

namespace Multimodal.Sdk.Vision.Tests.Templating;

/// <summary>
/// The expected strings in chat-templates.json were rendered by Jinja2 3.1 exactly as transformers'
/// apply_chat_template renders (tests/fixtures/Templating/make_chat_templates.py): real ChatML, Llama 3, Phi-3,
/// Mistral, LLaVA 1.5, SmolVLM/Idefics3 and Qwen2-VL templates, the tiny-vlm template and a template using every
/// supported construct.
/// </summary>
public sealed class ChatTemplateTests
{
    private static readonly JsonElement Fixture = JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixtures("Templating", "chat-templates.json"))).RootElement;

    public static TheoryData<int, string> Cases()
    {
        var data = new TheoryData<int, string>();
        int i = 0;
        foreach (var c in Fixture.GetProperty("cases").EnumerateArray())
        {
            data.Add(i++, c.GetProperty("template").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RealTemplatesRenderExactlyAsJinja2Does(int index, string template)
    {
        var c = Fixture.GetProperty("cases")[index];
        var parsed = ChatTemplate.Parse(Fixture.GetProperty("templates").GetProperty(template).GetString()!);
        var messages = c.GetProperty("messages").EnumerateArray().Select(m => (IReadOnlyDictionary<string, object?>)(Dictionary<string, object?>)ToValue(m)!).ToList();
        var variables = (Dictionary<string, object?>)ToValue(c.GetProperty("variables"))!;
        string rendered = parsed.Render(messages, c.GetProperty("add_generation_prompt").GetBoolean(), variables);
        Assert.Equal(c.GetProperty("expected").GetString(), rendered);
    }

    [Fact]
    public void TinyVlmTemplateRendersTheModelsDocumentedPrompt()
    {
        string source = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Models("tiny-vlm"), "tokenizer_config.json"))).RootElement.GetProperty("chat_template").GetString()!;
        var content = new List<object?>
        {
            new Dictionary<string, object?> { ["type"] = "image" },
            new Dictionary<string, object?> { ["type"] = "text", ["text"] = "what color is the star?" },
        };
        string rendered = ChatTemplate.Parse(source).Render([new Dictionary<string, object?> { ["role"] = "user", ["content"] = content }], addGenerationPrompt: true);
        Assert.Equal("<|im_start|>user\n<image>what color is the star?<|im_end|>\n<|im_start|>assistant\n", rendered);
    }

    [Fact]
    public void RaiseExceptionBecomesAMultimodalExceptionWithTheTemplatesMessage()
    {
        var raises = Fixture.GetProperty("raises");
        var parsed = ChatTemplate.Parse(Fixture.GetProperty("templates").GetProperty(raises.GetProperty("template").GetString()!).GetString()!);
        var messages = raises.GetProperty("messages").EnumerateArray().Select(m => (IReadOnlyDictionary<string, object?>)(Dictionary<string, object?>)ToValue(m)!).ToList();
        var ex = Assert.Throws<MultimodalException>(() => parsed.Render(messages, true, new Dictionary<string, object?> { ["bos_token"] = "<s>" }));
        Assert.Contains(raises.GetProperty("message").GetString()!, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{% for x in xs %}{{ x }}", 1, "missing '{% endfor %}'")]
    [InlineData("hello\n{{ 1 + }}", 2, "an expression was expected")]
    [InlineData("{% if a %}x{% endfor %}", 1, "inside an if block")]
    [InlineData("{{ 'unterminated }}", 1, "unterminated string")]
    [InlineData("{% include 'x' %}", 1, "unsupported statement 'include'")]
    [InlineData("ok {{ a", 1, "unterminated tag")]
    public void SyntaxErrorsNameTheLineAndTheProblem(string source, int line, string problem)
    {
        var ex = Assert.Throws<TemplateSyntaxException>(() => ChatTemplate.Parse(source));
        Assert.Equal(line, ex.Line);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"line {line}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RuntimeTypeErrorsAreMultimodalExceptionsWithAPosition()
    {
        var template = ChatTemplate.Parse("{{ 'a' + 1 }}");
        var ex = Assert.Throws<MultimodalException>(() => template.RenderWith(new Dictionary<string, object?>()));
        Assert.Contains("line 1, column", ex.Message, StringComparison.Ordinal);
        Assert.Contains("cannot add", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownFilterIsAClearError()
    {
        var ex = Assert.Throws<MultimodalException>(() => ChatTemplate.Parse("{{ x | frobnicate }}").RenderWith(new Dictionary<string, object?> { ["x"] = "a" }));
        Assert.Contains("'frobnicate' is not supported", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UndefinedValuesRenderAsNothingAndAreFalsy()
    {
        var template = ChatTemplate.Parse("[{{ nothing }}{{ nothing.deeper }}{% if nothing %}x{% endif %}{{ message['missing'] }}]");
        Assert.Equal("[]", template.RenderWith(new Dictionary<string, object?> { ["message"] = TemplateValues.From(new Dictionary<string, object?>()) }));
    }

    private static object? ToValue(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().ToDictionary(p => p.Name, p => ToValue(p.Value)),
        JsonValueKind.Array => e.EnumerateArray().Select(ToValue).ToList(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.TryGetInt64(out long l) ? l : e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}

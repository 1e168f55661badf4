using System.Text.Json;

namespace Multimodal.Sdk.Tests.Tokenization;

/// <summary>
/// Every fixture tokenizer against the ids and text that tokenizers.js (transformers.js' tokenizer) produced for the
/// same tokenizer.json (tests/fixtures/Tokenization/expected.tokenizers-js.json, made by
/// tools/reference/tokenization/expected.mjs).
/// </summary>
public sealed class TokenizersJsParityTests
{
    private static readonly Lazy<JsonDocument> Expected = new(() =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixtures("Tokenization", "expected.tokenizers-js.json"))));

    private static readonly Dictionary<string, Tokenizer> Loaded = [];

    // Where tokenizers.js departs from huggingface/tokenizers we follow the Rust reference; each case is tested on
    // its own in TokenizerComponentTests.
    private static readonly HashSet<(string Fixture, string Text)> KnownDeviations =
    [
        ("llama-bpe", "Hello<tag>world"), // tokenizers.js ignores single_word; Rust does not match <tag> inside a word
    ];

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var fixture in Expected.Value.RootElement.EnumerateObject())
        {
            for (int i = 0; i < fixture.Value.GetArrayLength(); i++)
            {
                if (!KnownDeviations.Contains((fixture.Name, fixture.Value[i].GetProperty("text").GetString()!)))
                {
                    data.Add(fixture.Name, i);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EncodesAndDecodesLikeTokenizersJs(string fixture, int index)
    {
        var expected = Expected.Value.RootElement.GetProperty(fixture)[index];
        string text = expected.GetProperty("text").GetString()!;
        var tokenizer = Load(fixture);

        var ids = tokenizer.Encode(text);

        Assert.Equal(Ids(expected, "ids"), ids);
        Assert.Equal(Ids(expected, "ids_without_special"), tokenizer.Encode(text, addSpecialTokens: false));
        Assert.Equal(expected.GetProperty("decoded").GetString(), tokenizer.Decode(ids, skipSpecialTokens: true));
        Assert.Equal(expected.GetProperty("decoded_with_special").GetString(), tokenizer.Decode(ids, skipSpecialTokens: false));
    }

    internal static Tokenizer Load(string fixture)
    {
        lock (Loaded)
        {
            if (!Loaded.TryGetValue(fixture, out var tokenizer))
            {
                tokenizer = Tokenizer.Load(ModelFolder.Open(RepoPaths.Fixtures("Tokenization", fixture)));
                Loaded[fixture] = tokenizer;
            }

            return tokenizer;
        }
    }

    private static int[] Ids(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(x => x.GetInt32()).ToArray();
}

using System.Text.RegularExpressions;

namespace Multimodal.Sdk.Tests.Tokenization;

public sealed class Gpt2TokenizerTests
{
    private static readonly Lazy<Tokenizer> Gpt2 = new(() => Tokenizer.FromJson(Gpt2TokenizerJson.Gpt2Json));

    private static readonly string[] SampleTexts =
    [
        string.Empty,
        " ",
        "   ",
        "\n",
        "Hello World",
        "hello world",
        "  leading spaces",
        "trailing spaces   ",
        "multiple\n\nnewlines\n",
        "tabs\tand\r\nCRLF line ends",
        "Café naïve résumé façade",
        "日本語のテキストです。",
        "中文测试，标点符号！",
        "emoji 😀👍🏽 family 👨‍👩‍👧 flags 🇫🇷",
        "numbers 12345 3.14159 1,000,000",
        "it's they're we've I'm he'll she'd don't",
        "CAPS'S SHOUTING 'quoted' \"double\"",
        "punctuation!!! ??? ... ---",
        "non\u00A0breaking\u2003em space",
        "mixed: Ελληνικά, русский, עברית, العربية, हिन्दी",
        "Hello<|endoftext|>World",
        "The quick brown fox jumps over the lazy dog. " + "Pack my box with five dozen liquor jugs! ",
        "antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis",
        "code: for (int i = 0; i < n; i++) { sum += a[i]; }",
        "url https://example.com/path?query=1&b=2#frag",
        "The quick brown fox jumps over the lazy dog while 12 curious onlookers watch from the café terrace. " +
        "Tokenizers split text into pieces; byte-level BPE never meets an unknown character, whether it's English, " +
        "Français, Deutsch, 日本語, 中文 or emoji 😀👍. In 2024, models with 1,000,000 parameters ran in browsers!\n\n",
    ];

    public static TheoryData<string> Texts() => new(SampleTexts);

    [Fact]
    public void EncodesHelloWorldToTheReferenceIds()
    {
        Assert.Equal([15496, 2159], Gpt2.Value.Encode("Hello World"));
        Assert.Equal([31373, 995], Gpt2.Value.Encode("hello world"));
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void EncodesLikeMicrosoftMlTokenizersGpt2(string text)
    {
        var expected = Gpt2TokenizerJson.MicrosoftGpt2.EncodeToIds(text);

        Assert.Equal(expected, Gpt2.Value.Encode(text));
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void DecodingEncodedTextGivesTheTextBack(string text)
    {
        var ids = Gpt2.Value.Encode(text);

        Assert.Equal(text, Gpt2.Value.Decode(ids, skipSpecialTokens: false, cleanUpTokenizationSpaces: false));
    }

    [Fact]
    public void DecodeSkipsSpecialTokensOnlyWhenAsked()
    {
        int[] ids = [15496, 50256, 10603];

        Assert.Equal("Hello<|endoftext|>World", Gpt2.Value.Decode(ids, skipSpecialTokens: false));
        Assert.Equal("HelloWorld", Gpt2.Value.Decode(ids, skipSpecialTokens: true));
    }

    [Fact]
    public void CleanUpRemovesSpacesBeforePunctuationAsTransformersDoes()
    {
        var ids = Gpt2.Value.Encode("Hello , world ! I 'm here .");

        Assert.Equal("Hello, world! I'm here.", Gpt2.Value.Decode(ids, cleanUpTokenizationSpaces: true));
        Assert.Equal("Hello , world ! I 'm here .", Gpt2.Value.Decode(ids, cleanUpTokenizationSpaces: false));
    }

    [Fact]
    public void StreamingDecoderNeverEmitsHalfACharacterAndAddsUpToTheWholeText()
    {
        const string text = "Emoji 👨‍👩‍👧 and 日本語 and café!";
        var ids = Gpt2.Value.Encode(text);
        var stream = Gpt2.Value.CreateStreamingDecoder();
        var pieces = new List<string>();
        foreach (int id in ids)
        {
            pieces.Add(stream.Push(id));
        }

        pieces.Add(stream.Flush());

        Assert.DoesNotContain(pieces, p => p.Contains('\uFFFD', StringComparison.Ordinal));
        Assert.Contains(pieces, p => p.Length == 0); // some ids end inside a multi-byte character
        Assert.Equal(text, string.Concat(pieces));
    }

    [Fact]
    public void StreamingDecoderFlushesAnIncompleteCharacterAsReplacement()
    {
        var emoji = Gpt2.Value.Encode("😀");
        Assert.True(emoji.Length > 1);
        var stream = Gpt2.Value.CreateStreamingDecoder();

        Assert.Equal(string.Empty, stream.Push(emoji[0]));
        Assert.Contains('\uFFFD', stream.Flush());
    }

    [Fact]
    public void SupplementaryLettersCountAsLettersInThePreTokenizer()
    {
        // Oniguruma and JavaScript classify code points: "a𝐀b" is one letter run. .NET's Regex sees surrogates.
        var pieces = new List<string>();
        Gpt2Splitter.Split("a𝐀b 𠀀x", pieces);

        Assert.Equal(["a𝐀b", " 𠀀x"], pieces);
    }

    [Fact]
    public void HandWrittenSplitterMatchesTheRegexOnRandomBmpText()
    {
        var regex = new Regex(Gpt2Splitter.Pattern);
        string alphabet = "aZé日 \t\n\r'sdtmlrev0９½.,!?-_\u00A0\u2003ß";
        var random = new Random(1234);
        for (int n = 0; n < 3000; n++)
        {
            var chars = new char[random.Next(0, 24)];
            for (int i = 0; i < chars.Length; i++)
            {
                chars[i] = alphabet[random.Next(alphabet.Length)];
            }

            string text = new(chars);
            var expected = regex.Matches(text).Select(m => m.Value).ToList();
            var actual = new List<string>();
            Gpt2Splitter.Split(text, actual);

            Assert.True(expected.SequenceEqual(actual), $"'{Regex.Escape(text)}': expected [{string.Join("|", expected)}] got [{string.Join("|", actual)}]");
        }
    }

    [Fact]
    public void ConcurrentEncodingGivesTheSameIdsAsSequentialEncoding()
    {
        var texts = SampleTexts;
        var fresh = Tokenizer.FromJson(Gpt2TokenizerJson.Gpt2Json);
        var expected = texts.Select(t => Gpt2.Value.Encode(t)).ToArray();

        Parallel.For(0, 400, i =>
        {
            int k = i % texts.Length;
            Assert.Equal(expected[k], fresh.Encode(texts[k]));
        });
    }
}

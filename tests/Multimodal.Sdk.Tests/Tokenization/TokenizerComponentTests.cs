namespace Multimodal.Sdk.Tests.Tokenization;

/// <summary>Behaviours taken from the huggingface/tokenizers sources, where no fixture reference covers them.</summary>
public sealed class TokenizerComponentTests
{
    [Theory]
    [InlineData(nameof(SplitBehavior.Removed), "the|final|countdown")]
    [InlineData(nameof(SplitBehavior.Isolated), "the|-|final|-|-|countdown")]
    [InlineData(nameof(SplitBehavior.MergedWithPrevious), "the-|final-|-|countdown")]
    [InlineData(nameof(SplitBehavior.MergedWithNext), "the|-final|-|-countdown")]
    [InlineData(nameof(SplitBehavior.Contiguous), "the|-|final|--|countdown")]
    public void SplitKeepsDelimitersAsItsBehaviorSays(string behavior, string expected)
    {
        var pieces = new List<string>();
        new SplitPreTokenizer(new LiteralSplitPattern("-"), Enum.Parse<SplitBehavior>(behavior), invert: false).PreTokenize("the-final--countdown", atStart: true, pieces);

        Assert.Equal(expected, string.Join('|', pieces));
    }

    [Fact]
    public void PunctuationIsolatesEachCharacterByDefault()
    {
        var pieces = new List<string>();
        new PunctuationPreTokenizer(SplitBehavior.Isolated).PreTokenize("Hey friend!!? ¿Qué?", atStart: true, pieces);

        Assert.Equal(["Hey friend", "!", "!", "?", " ", "¿", "Qué", "?"], pieces);
    }

    [Fact]
    public void DigitsSplitOneByOneOrAsRuns()
    {
        var single = new List<string>();
        var runs = new List<string>();
        new DigitsPreTokenizer(individualDigits: true).PreTokenize("a123b45", atStart: true, single);
        new DigitsPreTokenizer(individualDigits: false).PreTokenize("a123b45", atStart: true, runs);

        Assert.Equal(["a", "1", "2", "3", "b", "4", "5"], single);
        Assert.Equal(["a", "123", "b", "45"], runs);
    }

    [Fact]
    public void MetaspaceWithPrependSchemeFirstPrependsOnlyAtTheStartOfTheInput()
    {
        var tokenizer = new MetaspacePreTokenizer("▁", PrependScheme.First, split: true);
        var start = new List<string>();
        var later = new List<string>();
        tokenizer.PreTokenize("Hey friend", atStart: true, start);
        tokenizer.PreTokenize("Hey friend", atStart: false, later);

        Assert.Equal(["▁Hey", "▁friend"], start);
        Assert.Equal(["Hey", "▁friend"], later);
    }

    [Fact]
    public void SingleWordAddedTokenIsNotMatchedInsideAWord()
    {
        var tokenizer = TokenizersJsParityTests.Load("llama-bpe");
        int tag = tokenizer.TokenToId("<tag>")!.Value;

        Assert.Contains(tag, tokenizer.Encode("Hello <tag> world"));
        Assert.DoesNotContain(tag, tokenizer.Encode("Hello<tag>world"));
        Assert.Equal("Hello<tag>world", tokenizer.Decode(tokenizer.Encode("Hello<tag>world")));
    }

    [Fact]
    public void ByteFallbackSpellsUnknownCharactersAsBytesAndDecodesThemBack()
    {
        var tokenizer = TokenizersJsParityTests.Load("llama-bpe");

        var ids = tokenizer.Encode("Hello ☃", addSpecialTokens: false);

        // ☃ is E2 98 83 in UTF-8: <0xE2> <0x98> <0x83> are ids 3 + byte.
        Assert.Equal([3 + 0xE2, 3 + 0x98, 3 + 0x83], ids[^3..]);
        Assert.Equal("Hello ☃", tokenizer.Decode(ids));
    }

    [Fact]
    public void WordPieceGivesTheUnknownTokenForAWordWithAnUnmatchableRest()
    {
        var vocab = new Vocabulary(new Dictionary<string, int> { ["[UNK]"] = 0, ["un"] = 1, ["##aff"] = 2, ["##able"] = 3 });
        var model = new WordPieceModel(vocab, "[UNK]", "##", maxInputCharsPerWord: 8);
        var ids = new List<int>();

        model.Tokenize("unaffable", ids);
        model.Tokenize("unaffx", ids);
        Assert.Equal([0, 0], ids); // "unaffable" is 9 code points > 8; "unaffx" leaves "x" unmatched

        ids.Clear();
        new WordPieceModel(vocab, "[UNK]", "##", 100).Tokenize("unaffable", ids);
        Assert.Equal([1, 2, 3], ids);
    }

    [Fact]
    public void BpeWithoutUnknownTokenDropsCharactersOutsideTheVocabulary()
    {
        var vocab = new Vocabulary(new Dictionary<string, int> { ["a"] = 0, ["b"] = 1, ["ab"] = 2 });
        var model = new BpeModel(vocab, [("a", "b")], new BpeOptions());
        var ids = new List<int>();

        model.Tokenize("axb", ids);

        // x is dropped before merging, so its neighbours become adjacent and merge, as in the reference.
        Assert.Equal([2], ids);
    }

    [Fact]
    public void BpeAppliesTheLowestRankedMergeFirstAndTheLeftmostOnTies()
    {
        var vocab = new Vocabulary(new Dictionary<string, int> { ["a"] = 0, ["b"] = 1, ["ab"] = 2, ["ba"] = 3, ["aba"] = 4 });
        var ids = new List<int>();

        // "aba": with "b a" ranked first it is a|ba although "a b" comes first in the text.
        new BpeModel(vocab, [("b", "a"), ("a", "b")], new BpeOptions()).Tokenize("aba", ids);
        Assert.Equal([0, 3], ids);

        ids.Clear();
        new BpeModel(vocab, [("a", "b"), ("ab", "a")], new BpeOptions()).Tokenize("aba", ids);
        Assert.Equal([4], ids);

        // "aaa" with one merge "a a": both pairs tie, the leftmost merges.
        var repeated = new Vocabulary(new Dictionary<string, int> { ["a"] = 0, ["aa"] = 1 });
        ids.Clear();
        new BpeModel(repeated, [("a", "a")], new BpeOptions()).Tokenize("aaa", ids);
        Assert.Equal([1, 0], ids);
    }

    [Theory]
    [InlineData("ΟΔΟΣ", "οδος")]
    [InlineData("ΣΑΣ ΣΕ", "σας σε")]
    [InlineData("İstanbul", "i\u0307stanbul")]
    [InlineData("ÀB", "àb")]
    public void LowercaseFollowsFullUnicodeCaseMapping(string text, string expected)
    {
        Assert.Equal(expected, new LowercaseNormalizer().Normalize(text));
    }

    [Fact]
    public void BertNormalizerDropsControlsSpacesOutIdeographsAndStripsAccents()
    {
        var normalizer = new BertNormalizer(cleanText: true, handleChineseChars: true, stripAccents: true, lowercase: true);

        Assert.Equal("hello world 中  文  cafe", normalizer.Normalize("Hello\u0000\tworld\u200b中文 Café"));
    }

    [Fact]
    public void StripDecoderRemovesOnlyTheCountedCharacters()
    {
        var tokens = new List<string> { "  Hey", " friend ", "HH" };
        new StripDecoder(" ", start: 1, stop: 1).Decode(tokens);

        Assert.Equal([" Hey", "friend", "HH"], tokens);
    }

    [Fact]
    public void ByteFallbackDecoderReplacesEachByteOfAnInvalidSequence()
    {
        var tokens = new List<string> { "<0xE2>", "<0x98>", "a", "<0x61>" };
        new ByteFallbackDecoder().Decode(tokens);

        Assert.Equal(["\uFFFD\uFFFD", "a", "a"], tokens);
    }
}

public sealed class CodePointRegexTests
{
    private const string ClipPattern = @"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+";

    [Fact]
    public void LettersOutsideTheBmpStayInsideTheirWord()
    {
        var split = new SplitPreTokenizer(new RegexSplitPattern(new CodePointRegex(new System.Text.RegularExpressions.Regex(ClipPattern))), SplitBehavior.Removed, invert: true);
        var pieces = new List<string>();

        split.PreTokenize("a𝐀b 𠀀字 𝟙2 😀!", atStart: true, pieces);

        // 𝐀 and 𠀀 are letters, 𝟙 a digit (one per piece), the emoji and "!" one run of other characters.
        Assert.Equal(["a𝐀b", "𠀀字", "𝟙", "2", "😀!"], pieces);
    }

    [Fact]
    public void ReplaceKeepsSupplementaryCharactersWhole()
    {
        var replace = new ReplaceNormalizer(new CodePointRegex(new System.Text.RegularExpressions.Regex(@"\s+")), null, " ");

        Assert.Equal("a 😀 𝐀 b", replace.Normalize("a \t😀\n\n𝐀   b"));
    }

    [Fact]
    public void WhitespacePreTokenizerUsesUnicodeWordCharacters()
    {
        var pieces = new List<string>();
        new WhitespacePreTokenizer().PreTokenize("नमस्ते दुनिया, 𝐀𝐁c!", atStart: true, pieces);

        Assert.Equal(["नमस्ते", "दुनिया", ",", "𝐀𝐁c", "!"], pieces);
    }
}

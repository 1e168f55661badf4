namespace Multimodal.Sdk.Tests.Tokenization;

public sealed class WhisperTokenizerTests
{
    private static readonly Lazy<Tokenizer> Whisper = new(() => Tokenizer.FromJson(Gpt2TokenizerJson.WhisperEnglishJson));

    [Fact]
    public void EncodesHelloWorldWithTheTranscriptionPrefixAndEndToken()
    {
        Assert.Equal([50257, 50362, 15496, 2159, 50256], Whisper.Value.Encode("Hello World"));
        Assert.Equal([15496, 2159], Whisper.Value.Encode("Hello World", addSpecialTokens: false));
    }

    [Theory]
    [InlineData("<|endoftext|>", 50256)]
    [InlineData("<|startoftranscript|>", 50257)]
    [InlineData("<|en|>", 50258)]
    [InlineData("<|translate|>", 50357)]
    [InlineData("<|transcribe|>", 50358)]
    [InlineData("<|notimestamps|>", 50362)]
    [InlineData("<|0.00|>", 50363)]
    [InlineData("<|30.00|>", 51863)]
    public void FindsSpecialAndTimestampTokensByContent(string content, int id)
    {
        Assert.Equal(id, Whisper.Value.TokenToId(content));
        Assert.Equal(content, Whisper.Value.IdToToken(id));
    }

    [Fact]
    public void TimestampTokensAreAddedButNotSpecial()
    {
        Assert.True(Whisper.Value.GetAddedToken("<|notimestamps|>")!.Special);
        Assert.False(Whisper.Value.GetAddedToken("<|0.00|>")!.Special);
        Assert.Equal(51864, Whisper.Value.VocabSize);
    }

    [Fact]
    public void DecodeKeepsTimestampsButDropsSpecialTokens()
    {
        var ids = Whisper.Value.Encode("<|startoftranscript|><|en|><|transcribe|><|0.00|> Hello World<|1.00|>", addSpecialTokens: false);

        Assert.Equal([50257, 50258, 50358, 50363, 18435, 2159, 50413], ids);
        Assert.Equal("<|0.00|> Hello World<|1.00|>", Whisper.Value.Decode(ids));
        Assert.Equal("<|startoftranscript|><|en|><|transcribe|><|0.00|> Hello World<|1.00|>", Whisper.Value.Decode(ids, skipSpecialTokens: false));
    }

    [Fact]
    public void SpecialTokenIdsComeFromTheConfigByContent()
    {
        var tokenizer = Tokenizer.FromJson(Gpt2TokenizerJson.WhisperEnglishJson, new TokenizerConfig { BosToken = "<|endoftext|>", EosToken = "<|endoftext|>", PadToken = "<|endoftext|>" });

        Assert.Equal(50256, tokenizer.EosTokenId);
        Assert.Equal(50256, tokenizer.PadTokenId);
        Assert.Null(tokenizer.UnkTokenId);
    }
}

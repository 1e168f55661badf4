namespace Multimodal.Sdk.Tests.Tokenization;

public sealed class BatchEncodingTests
{
    private static Tokenizer Clip => TokenizersJsParityTests.Load("clip");

    [Fact]
    public void ClipBatchIsPaddedToTheContextLengthWithThePadToken()
    {
        var batch = Clip.EncodeBatch(["a photo of a cat", "hello world"], maxLength: 77, padToMaxLength: true);

        Assert.Equal([2L, 77L], batch.Shape);
        Assert.Equal([49406L, 320, 1125, 539, 320, 2368, 49407, 49407], batch.Row(0)[..8].ToArray());
        Assert.Equal([49406L, 3306, 1002, 49407, 49407], batch.Row(1)[..5].ToArray());
        Assert.Equal(7, batch.AttentionMask.AsSpan(0, 77).ToArray().Sum());
        Assert.Equal(4, batch.AttentionMask.AsSpan(77, 77).ToArray().Sum());
        Assert.All(batch.Row(1)[4..].ToArray(), id => Assert.Equal(49407L, id)); // pad_token is <|endoftext|>
    }

    [Fact]
    public void LongTextIsTruncatedKeepingTheEndToken()
    {
        string text = string.Join(' ', Enumerable.Repeat("a photo of a cat", 40));

        var batch = Clip.EncodeBatch([text], maxLength: 77, padToMaxLength: true);

        Assert.Equal(77, batch.SequenceLength);
        Assert.Equal(49406L, batch.Row(0)[0]);
        Assert.Equal(49407L, batch.Row(0)[76]);
        Assert.Equal(Clip.Encode(text)[1..76].Select(i => (long)i), batch.Row(0)[1..76].ToArray());
        Assert.All(batch.AttentionMask, m => Assert.Equal(1L, m));
    }

    [Fact]
    public void WithoutPadToMaxLengthRowsArePaddedToTheLongest()
    {
        var batch = Clip.EncodeBatch(["a", "a photo of a cat"], maxLength: 77, padTokenId: 0);

        Assert.Equal(7, batch.SequenceLength);
        Assert.Equal([49406L, 320, 49407, 0, 0, 0, 0], batch.Row(0).ToArray());
        Assert.Equal([1L, 1, 1, 0, 0, 0, 0], batch.AttentionMask[..7]);
    }

    [Fact]
    public void EmptyTextStillGetsTheSpecialTokens()
    {
        var batch = Clip.EncodeBatch([string.Empty], maxLength: 77);

        Assert.Equal([49406L, 49407], batch.InputIds);
    }

    [Fact]
    public void ContextTooShortForTheSpecialTokensIsAnArgumentError()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Clip.EncodeBatch(["a"], maxLength: 2));
    }

    [Fact]
    public void LeftPaddingPutsThePadTokensFirst()
    {
        string dir = Directory.CreateTempSubdirectory("tok-left-").FullName;
        try
        {
            string fixture = RepoPaths.Fixtures("Tokenization", "clip");
            File.Copy(Path.Combine(fixture, "tokenizer.json"), Path.Combine(dir, "tokenizer.json"));
            File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), """{"pad_token": "!", "padding_side": "left"}""");
            var tokenizer = Tokenizer.Load(ModelFolder.Open(dir));

            var batch = tokenizer.EncodeBatch(["a", "hello world"]);

            Assert.Equal([0L, 49406, 320, 49407], batch.Row(0).ToArray());
            Assert.Equal([0L, 1, 1, 1], batch.AttentionMask[..4]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

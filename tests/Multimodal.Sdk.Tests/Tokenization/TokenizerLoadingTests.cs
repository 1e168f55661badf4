namespace Multimodal.Sdk.Tests.Tokenization;

public sealed class TokenizerLoadingTests
{
    private const string MinimalModel = """
        "model": {"type": "WordLevel", "vocab": {"[UNK]": 0, "hi": 1}, "unk_token": "[UNK]"}
        """;

    [Fact]
    public void ClipFixtureGivesTheReferenceIds()
    {
        var clip = TokenizersJsParityTests.Load("clip");

        Assert.Equal([49406, 320, 1125, 539, 320, 2368, 49407], clip.Encode("a photo of a cat"));
        Assert.Equal([49406, 3306, 1002, 49407], clip.Encode("hello world"));
        Assert.Equal("a photo of a cat", clip.Decode(clip.Encode("A  Photo of a CAT")));
    }

    [Fact]
    public void BertFixtureGivesTheReferenceIds()
    {
        var bert = TokenizersJsParityTests.Load("bert");

        Assert.Equal([101, 7592, 2088, 102], bert.Encode("hello world"));
        Assert.Equal([101, 7592, 2088, 102], bert.Encode("Hello World"));
        Assert.Equal(0, bert.PadTokenId);
    }

    [Fact]
    public void FolderWithoutTokenizerJsonIsModelNotFoundNamingTheFile()
    {
        string dir = Directory.CreateTempSubdirectory("tok-missing-").FullName;
        try
        {
            var ex = Assert.Throws<ModelNotFoundException>(() => Tokenizer.Load(ModelFolder.Open(dir)));

            Assert.Equal("tokenizer.json", ex.FileName);
            Assert.Contains(dir, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void InvalidJsonIsModelIncompatibleNamingTheFolder()
    {
        string dir = Directory.CreateTempSubdirectory("tok-broken-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "tokenizer.json"), "{ \"model\": ");

            var ex = Assert.Throws<ModelIncompatibleException>(() => Tokenizer.Load(ModelFolder.Open(dir)));

            Assert.Equal("tokenizer.json", ex.FileName);
            Assert.Contains(dir, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("normalizer", "Precompiled")]
    [InlineData("pre_tokenizer", "UnicodeScripts")]
    [InlineData("post_processor", "Mystery")]
    [InlineData("decoder", "CTC")]
    public void UnsupportedComponentIsRejectedNamingItsSectionAndType(string section, string type)
    {
        string json = $$"""{ "{{section}}": {"type": "{{type}}"}, {{MinimalModel}} }""";

        var ex = Assert.Throws<ModelIncompatibleException>(() => Tokenizer.FromJson(json));

        Assert.Contains($"{section} type '{type}' is not supported", ex.Message, StringComparison.Ordinal);
        Assert.Contains("tokenizer.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownModelTypeIsRejected()
    {
        var ex = Assert.Throws<ModelIncompatibleException>(() => Tokenizer.FromJson("""{ "model": {"type": "Lattice", "vocab": {}} }"""));

        Assert.Contains("model type 'Lattice'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MergeOfATokenOutsideTheVocabularyIsRejected()
    {
        const string json = """{ "model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": ["a b"]} }""";

        var ex = Assert.Throws<ModelIncompatibleException>(() => Tokenizer.FromJson(json));

        Assert.Contains("'ab', which is not in the vocabulary", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MergesInBothFileFormatsGiveTheSameIds()
    {
        const string vocab = """ "vocab": {"h": 0, "i": 1, "hi": 2, " ": 3} """;
        var strings = Tokenizer.FromJson($$"""{ "model": {"type": "BPE", {{vocab}}, "merges": ["h i"]} }""");
        var pairs = Tokenizer.FromJson($$"""{ "model": {"type": "BPE", {{vocab}}, "merges": [["h", "i"]]} }""");

        Assert.Equal([2], strings.Encode("hi"));
        Assert.Equal(strings.Encode("hihi"), pairs.Encode("hihi"));
    }

    [Fact]
    public void RegexThatDotNetCannotCompileIsRejectedWithThePattern()
    {
        string json = $$"""{ "pre_tokenizer": {"type": "Split", "pattern": {"Regex": "(?<"}, "behavior": "Isolated", "invert": false}, {{MinimalModel}} }""";

        var ex = Assert.Throws<ModelIncompatibleException>(() => Tokenizer.FromJson(json));

        Assert.Contains("(?<", ex.Message, StringComparison.Ordinal);
    }
}

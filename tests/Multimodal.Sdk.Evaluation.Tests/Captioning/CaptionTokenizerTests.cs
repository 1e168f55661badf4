namespace Multimodal.Sdk.Evaluation.Tests.Captioning;

public class CaptionTokenizerTests
{
    [Theory]
    [InlineData("A man riding a wave on top of a surfboard.", "a man riding a wave on top of a surfboard")]
    [InlineData("A man's hat.", "a man 's hat")]
    [InlineData("Don't stop!", "do n't stop")]
    [InlineData("They can't, won't.", "they ca n't wo n't")]
    [InlineData("(left) side", "left side")]
    [InlineData("He said \"hi\"", "he said hi")]
    [InlineData("3.5 inches, 1,000 dollars", "3.5 inches 1,000 dollars")]
    [InlineData("A black-and-white photo", "a black-and-white photo")]
    [InlineData("I cannot go, I'm gonna stay", "i can not go i 'm gon na stay")]
    [InlineData("Mr. Smith in the U.S.", "mr. smith in the u.s.")]
    [InlineData("wait... what?", "wait what")]
    [InlineData("the dogs' toys -- all of them", "the dogs toys all of them")]
    [InlineData("a [red] sign", "a -LSB- red -RSB- sign")]
    [InlineData("50% of $5", "50 % of $ 5")]
    [InlineData("a/b test", "a\\/b test")]
    [InlineData("A kitchen with a stove, sink and refrigerator.", "a kitchen with a stove sink and refrigerator")]
    public void TokenizesLikePycocoevalcapsPtbSettings(string caption, string expected) =>
        Assert.Equal(expected, CaptionTokenizer.TokenizeToString(caption));

    [Fact]
    public void FixtureCaptionsTokenizeToTheReferenceScriptsWords()
    {
        var captions = Fixture.Load("captions.json").GetProperty("images");
        var tokenized = Fixture.Load("caption_reference.json").GetProperty("tokenized");
        foreach (var image in captions.EnumerateArray())
        {
            var expected = tokenized.GetProperty(image.GetProperty("id").GetString()!);
            Assert.Equal(expected.GetProperty("prediction").GetString(), CaptionTokenizer.TokenizeToString(image.GetProperty("prediction").GetString()!));
            Assert.Equal(
                Fixture.Strings(expected.GetProperty("references")),
                Fixture.Strings(image.GetProperty("references")).Select(CaptionTokenizer.TokenizeToString));
        }
    }

    [Theory]
    [InlineData("Don't stop, the dog's (big) bowl... is 3.5 L!")]
    [InlineData("I cannot go -- they're gonna stay at the U.S. office.")]
    public void TokenizingTokenizedTextChangesNothing(string caption)
    {
        // Users may pass captions that are already PTB-tokenized; a second pass must not split "n't" or "'s" again.
        string once = CaptionTokenizer.TokenizeToString(caption);
        Assert.Equal(once, CaptionTokenizer.TokenizeToString(once));
    }
}

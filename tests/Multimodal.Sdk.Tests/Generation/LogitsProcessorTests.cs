namespace Multimodal.Sdk.Tests.Generation;

public class LogitsProcessorTests
{
    [Fact]
    public void AProcessorSeesTheForcedPromptAndTheStepAndCanBanATokenWithNegativeInfinity()
    {
        var c = TinyDecoders.Case("forced_prompt");
        var expected = TinyDecoders.ExpectedTokens(c)[0];
        var ban = new BanAtStep(step: 0, token: expected[0]);
        using var decoder = TinyDecoders.Open("whisper_merged");
        using var request = TinyDecoders.For("whisper_merged", TinyDecoders.Prompt(c));
        var withBan = new GenerationRequest { Prompts = request.Value.Prompts, EncoderHiddenStates = request.Value.EncoderHiddenStates, Processors = [ban] };
        var result = GenerationEngine.Generate(decoder, withBan, TinyDecoders.Settings(c));

        Assert.NotEqual(expected[0], result.First.Tokens[0]);
        Assert.Equal([0, 5, 6], ban.Seen[0]);
        Assert.Equal(Enumerable.Range(0, result.First.Tokens.Length), ban.Steps);
        Assert.Equal([0, 5, 6, .. result.First.Tokens[..^1]], ban.Seen[^1]);
    }

    [Fact]
    public void RepetitionPenaltyDividesPositiveAndMultipliesNegativeScoresOncePerToken()
    {
        var p = new RepetitionPenaltyProcessor(2f);
        float[] scores = [4f, -4f, 4f, -4f];
        p.Process(new LogitsContext([0, 1, 1, 0], 1, 0), scores);
        Assert.Equal([2f, -8f, 4f, -4f], scores);
    }

    [Fact]
    public void NoRepeatNgramBansTheTokenThatWouldRepeatAnNgram()
    {
        var p = new NoRepeatNgramProcessor(3);
        float[] scores = [1f, 1f, 1f, 1f];
        p.Process(new LogitsContext([1, 2, 3, 1, 2], 1, 0), scores);
        Assert.Equal([1f, 1f, 1f, float.NegativeInfinity], scores);
    }

    private sealed class BanAtStep(int step, int token) : ILogitsProcessor
    {
        public List<int[]> Seen { get; } = [];

        public List<int> Steps { get; } = [];

        public void Process(in LogitsContext context, Span<float> scores)
        {
            Seen.Add(context.Tokens.ToArray());
            Steps.Add(context.Step);
            if (context.Step == step)
            {
                scores[token] = float.NegativeInfinity;
            }
        }
    }
}

namespace Multimodal.Sdk.Tests.Generation;

public class StreamingTests
{
    [Theory]
    [InlineData("merged")]
    [InlineData("embeds_branch")]
    public async Task StreamingYieldsTheSameTokensAsTheBlockingCall(string contract)
    {
        var c = TinyDecoders.Case("greedy");
        using var decoder = TinyDecoders.Open(contract);
        using var request = TinyDecoders.For(contract, [0]);
        var settings = TinyDecoders.Settings(c);
        var streamed = new List<GeneratedToken>();
        await foreach (var t in GenerationEngine.StreamAsync(decoder, request.Value, settings))
        {
            streamed.Add(t);
        }

        var blocking = await GenerationEngine.GenerateAsync(decoder, request.Value, settings);
        Assert.Equal(blocking.First.Tokens, streamed.Select(t => t.TokenId));
        Assert.Equal(Enumerable.Range(0, streamed.Count), streamed.Select(t => t.Step));
        Assert.Equal(blocking.First.SumLogProb, streamed.Sum(t => (double)t.LogProb), 4);
    }

    [Fact]
    public async Task CancellingDuringStreamingStopsAtTheNextStep()
    {
        var c = TinyDecoders.Case("greedy");
        using var decoder = TinyDecoders.Open("merged");
        using var request = TinyDecoders.For("merged", [0]);
        using var cts = new CancellationTokenSource();
        var seen = new List<int>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var t in GenerationEngine.StreamAsync(decoder, request.Value, TinyDecoders.Settings(c), cts.Token))
            {
                seen.Add(t.TokenId);
                if (seen.Count == 3)
                {
                    await cts.CancelAsync();
                }
            }
        });
        Assert.Equal(3, seen.Count);
    }

    [Fact]
    public void ACancelledTokenStopsBlockingGenerationBeforeAnyStep()
    {
        var c = TinyDecoders.Case("beam");
        using var decoder = TinyDecoders.Open("merged");
        using var request = TinyDecoders.For("merged", [0]);
        var counting = new CountingProcessor();
        var withCounter = new GenerationRequest { Prompts = request.Value.Prompts, EncoderHiddenStates = request.Value.EncoderHiddenStates, Processors = [counting] };
        Assert.ThrowsAny<OperationCanceledException>(() => GenerationEngine.Generate(decoder, withCounter, TinyDecoders.Settings(c), new CancellationToken(true)));
        Assert.Equal(0, counting.Calls);
    }

    [Fact]
    public void StreamingRefusesBeamSearch()
    {
        using var decoder = TinyDecoders.Open("merged");
        using var request = TinyDecoders.For("merged", [0]);
        Assert.Throws<ArgumentException>(() => GenerationEngine.StreamAsync(decoder, request.Value, TinyDecoders.Settings(TinyDecoders.Case("beam"))).GetAsyncEnumerator().MoveNextAsync().AsTask().GetAwaiter().GetResult());
    }

    private sealed class CountingProcessor : ILogitsProcessor
    {
        public int Calls { get; private set; }

        public void Process(in LogitsContext context, Span<float> scores) => Calls++;
    }
}

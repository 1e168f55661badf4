using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Multimodal.Sdk.Vision.Tests.DependencyInjection;

public class VisionPipelineBuilderTests
{
    private static readonly string Vlm = TestData.Model("tiny-vlm");

    [Fact]
    public void TheReadmeChainStillComposesWithMiddlewareBetweenPipelines()
    {
        var services = new ServiceCollection();
        services.AddMultimodal().UseCpu()
            .AddClip(TestData.Model("tiny-clip")).UseLogging(NullLoggerFactory.Instance).UseOpenTelemetry()
            .AddImageCaptioner(TestData.Model("tiny-captioner")).Use(c => c)
            .AddVisualQa(Vlm)
            .AddVisionChat(Vlm).UseLogging(NullLoggerFactory.Instance)
            .AddHostedWarmup();
        using var sp = services.BuildServiceProvider();

        Assert.IsType<OpenTelemetryClipEncoder>(sp.GetRequiredService<IClipEncoder>());
        Assert.IsType<ClipEncoder>(sp.GetRequiredService<IClipEncoder>().GetService(typeof(ClipEncoder)));
        Assert.IsType<ClipTextEmbeddingGenerator>(sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
    }

    [Fact]
    public async Task VisualQaAndVisionChatOverOneFolderShareOneLoadedModel()
    {
        var services = new ServiceCollection();
        services.AddMultimodal().UseCpu().AddVisualQa(Vlm).UseOpenTelemetry().AddVisionChat(Vlm).AddVisionChat("again", Vlm);
        var sp = services.BuildServiceProvider();

        var qa = (Sdk.VisualQa)sp.GetRequiredService<IVisualQa>().GetService(typeof(Sdk.VisualQa))!;
        var chat = sp.GetRequiredService<IChatClient>().GetService<VisionChatClient>()!;
        var again = sp.GetRequiredKeyedService<IChatClient>("again").GetService<VisionChatClient>()!;
        Assert.Same(qa.Model, chat.Model);
        Assert.Same(qa.Model, again.Model);
        Assert.Equal(1, sp.GetRequiredService<LoadedModelCache>().Loads);

        // Both still answer on the shared sessions, and the container releases the model once, at its end.
        var image = ImageData.FromFile(TestData.Shapes[0].FullPath);
        var answer = await sp.GetRequiredService<IVisualQa>().AnswerAsync(image, "how many shapes are there?");
        using var standalone = new Sdk.VisualQa(Vlm);
        Assert.Equal((await standalone.AnswerAsync(image, "how many shapes are there?")).Answer, answer.Answer);
        Assert.Equal(1, chat.Model.VisionEncoderRuns);
        await sp.DisposeAsync();
    }

    [Fact]
    public async Task VisionChatIsBuiltByMicrosoftExtensionsAisChatClientBuilderSoItsMiddlewareApplies()
    {
        var counter = new CountingChatClientMiddleware();
        var log = new ListLoggerFactory();
        var services = new ServiceCollection();
        services.AddMultimodal().UseCpu().AddVisionChat(Vlm)
            .UseLogging(log)
            .Use(inner => counter.Wrap(inner))
            .ChatClient.UseOpenTelemetry(sourceName: "Multimodal.Sdk.Vision.Tests");
        await using var sp = services.BuildServiceProvider();

        var client = sp.GetRequiredService<IChatClient>();
        Assert.IsType<LoggingChatClient>(client);
        Assert.NotNull(client.GetService<OpenTelemetryChatClient>());
        Assert.NotNull(client.GetService<VisionChatClient>());
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "how many shapes are there?")], new ChatOptions { MaxOutputTokens = 2 });

        Assert.Equal(1, counter.Calls);
        Assert.NotNull(response.Usage);
        Assert.Contains(log.Messages, m => m.Contains("GetResponseAsync", StringComparison.Ordinal));
    }

    [Fact]
    public void WarmUpFindsTheVisionChatClientThroughMeaiMiddleware()
    {
        var services = new ServiceCollection();
        services.AddMultimodal().UseCpu().AddVisionChat("wrapped", Vlm).UseLogging(new ListLoggerFactory()).Use(inner => new CountingChatClientMiddleware().Wrap(inner));
        using var sp = services.BuildServiceProvider();

        var target = Assert.Single(sp.GetServices<WarmupTarget>());
        Assert.Equal("wrapped", target.Name);
        Assert.IsType<VisionChatClient>(PipelineRegistration.FindWarmable(target.Resolve(sp)));
    }

    private sealed class CountingChatClientMiddleware
    {
        public int Calls { get; private set; }

        public IChatClient Wrap(IChatClient inner) => new Counting(inner, this);

        private sealed class Counting(IChatClient inner, CountingChatClientMiddleware owner) : DelegatingChatClient(inner)
        {
            public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
            {
                owner.Calls++;
                return base.GetResponseAsync(messages, options, cancellationToken);
            }
        }
    }

    private sealed class ListLoggerFactory : ILoggerFactory, ILogger
    {
        public List<string> Messages { get; } = [];

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) => Messages.Add(formatter(state, exception));

        public void Dispose()
        {
        }
    }
}

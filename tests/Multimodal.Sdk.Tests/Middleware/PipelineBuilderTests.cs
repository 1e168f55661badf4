using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Multimodal.Sdk.Tests.Middleware;

/// <summary>Add&lt;Pipeline&gt; returns a builder whose Use wraps the registered pipeline, as M.E.AI's ChatClientBuilder does.</summary>
public class PipelineBuilderTests
{
    [Fact]
    public async Task MiddlewareWrapsThePipelineInRegistrationOrderFirstOutermost()
    {
        var calls = new List<string>();
        var services = new ServiceCollection();
        services.AddMultimodal()
            .AddPipeline<IClipEncoder>(null, _ => new FakeClipEncoder())
            .Use(inner => new RecordingEncoder(inner, "first", calls))
            .Use((inner, sp) => new RecordingEncoder(inner, sp.GetRequiredService<Marker>().Name, calls));
        services.AddSingleton(new Marker("second"));
        using var sp = services.BuildServiceProvider();

        var encoder = sp.GetRequiredService<IClipEncoder>();
        await encoder.EmbedTextsAsync(["x"]);

        Assert.Equal(["first", "second"], calls);
        Assert.Equal("first", Assert.IsType<RecordingEncoder>(encoder).Name);
        Assert.NotNull(encoder.GetService(typeof(FakeClipEncoder)));
        Assert.Same(encoder, sp.GetRequiredService<IClipEncoder>());
    }

    [Fact]
    public void KeyedPipelinesGetTheirOwnMiddleware()
    {
        var services = new ServiceCollection();
        services.AddMultimodal()
            .AddPipeline<IVisualQa>(null, _ => new FakeVisualQa())
            .AddPipeline<IVisualQa>("logged", _ => new FakeVisualQa()).UseLogging(new ListLogger());
        using var sp = services.BuildServiceProvider();

        Assert.IsType<FakeVisualQa>(sp.GetRequiredService<IVisualQa>());
        Assert.IsType<LoggingVisualQa>(sp.GetRequiredKeyedService<IVisualQa>("logged"));
    }

    [Fact]
    public void UseLoggingTakesTheContainersLoggerFactoryAndIsANoOpWithoutOne()
    {
        var withLogging = new ServiceCollection();
        var log = new ListLogger();
        withLogging.AddSingleton<ILoggerFactory>(log);
        withLogging.AddMultimodal().AddPipeline<ISpeechRecognizer>(null, _ => new FakeSpeechRecognizer()).UseLogging();
        using (var sp = withLogging.BuildServiceProvider())
        {
            Assert.IsType<LoggingSpeechRecognizer>(sp.GetRequiredService<ISpeechRecognizer>());
            Assert.Equal(typeof(LoggingSpeechRecognizer).FullName, log.Category);
        }

        var without = new ServiceCollection();
        without.AddMultimodal().AddPipeline<ISpeechRecognizer>(null, _ => new FakeSpeechRecognizer()).UseLogging();
        using (var sp = without.BuildServiceProvider())
        {
            Assert.IsType<FakeSpeechRecognizer>(sp.GetRequiredService<ISpeechRecognizer>());
        }
    }

    [Fact]
    public void UseOpenTelemetryNamesTheModelAfterItsFolder()
    {
        var services = new ServiceCollection();
        services.AddMultimodal()
            .AddPipeline<IVoiceActivityDetector>(null, _ => new FakeVoiceActivityDetector(), "models/silero-vad/")
            .UseOpenTelemetry("Multimodal.Sdk.Tests.Builder")
            .AddPipeline<IImageCaptioner>(null, _ => new FakeImageCaptioner()).UseOpenTelemetry();
        using var sp = services.BuildServiceProvider();

        var detector = sp.GetRequiredService<IVoiceActivityDetector>();
        Assert.IsType<OpenTelemetryVoiceActivityDetector>(detector);
        Assert.Equal("Multimodal.Sdk.Tests.Builder", ((System.Diagnostics.ActivitySource)detector.GetService(typeof(System.Diagnostics.ActivitySource))!).Name);
        Assert.Equal("Multimodal.Sdk", ((System.Diagnostics.ActivitySource)sp.GetRequiredService<IImageCaptioner>().GetService(typeof(System.Diagnostics.ActivitySource))!).Name);
    }

    [Fact]
    public void AMiddlewareThatReturnsNullIsReportedWhenThePipelineIsBuilt()
    {
        var services = new ServiceCollection();
        services.AddMultimodal().AddPipeline<IClipEncoder>(null, _ => new FakeClipEncoder()).Use(_ => null!);
        using var sp = services.BuildServiceProvider();
        var ex = Assert.Throws<InvalidOperationException>(() => sp.GetRequiredService<IClipEncoder>());
        Assert.Contains("returned null", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostedWarmupReachesThePipelineThroughItsMiddleware()
    {
        var builder = Host.CreateApplicationBuilder();
        var inner = new FakeClipEncoder();
        builder.Services.AddMultimodal()
            .AddPipeline<IClipEncoder>(null, _ => inner).UseLogging().UseOpenTelemetry().Use(e => new RecordingEncoder(e, "custom", []))
            .AddHostedWarmup();
        using var host = builder.Build();
        await host.StartAsync();

        Assert.IsType<LoggingClipEncoder>(host.Services.GetRequiredService<IClipEncoder>());
        Assert.Equal(1, inner.WarmUps);
        await host.StopAsync();
    }

    [Fact]
    public void DisposingTheContainerDisposesTheWholeChain()
    {
        var services = new ServiceCollection();
        var calls = new List<string>();
        services.AddMultimodal().AddPipeline<IClipEncoder>(null, _ => new FakeClipEncoder()).Use(e => new RecordingEncoder(e, "outer", calls));
        var sp = services.BuildServiceProvider();
        sp.GetRequiredService<IClipEncoder>();
        sp.Dispose();
        Assert.Equal(["outer disposed"], calls);
    }

    private sealed record Marker(string Name);

    private sealed class RecordingEncoder(IClipEncoder inner, string name, List<string> calls) : DelegatingClipEncoder(inner)
    {
        public string Name { get; } = name;

        public override Task<IReadOnlyList<Microsoft.Extensions.AI.Embedding<float>>> EmbedTextsAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
        {
            calls.Add(Name);
            return base.EmbedTextsAsync(texts, cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
            calls.Add($"{Name} disposed");
            base.Dispose(disposing);
        }
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Multimodal.Sdk.Tests.DependencyInjection;

public class AddMultimodalTests
{
    [Fact]
    public void OptionsConfiguredInCodeReachTheSessionFactory()
    {
        var services = new ServiceCollection();
        services.AddMultimodal(o =>
        {
            o.IntraOpThreads = 3;
            o.PreferredPrecisions = [ModelPrecision.Quantized, ModelPrecision.Full];
        }).UseCpu();
        using var sp = services.BuildServiceProvider();
        var factory = sp.GetRequiredService<OnnxSessionFactory>();
        Assert.Equal(3, factory.Options.IntraOpThreads);
        Assert.Equal("CPU", factory.ProviderName);
        Assert.EndsWith("model_quantized.onnx", factory.OpenFolder(RepoPaths.Fixtures("Models", "precisions")).GetGraph("model"), StringComparison.Ordinal);
    }

    [Fact]
    public void OptionsBindFromAConfigurationSection()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Multimodal:IntraOpThreads"] = "2",
            ["Multimodal:GraphOptimization"] = "Basic",
            ["Multimodal:MaxImagePixels"] = "1000000",
            ["Multimodal:PreferredPrecisions:0"] = "Float16",
        }).Build();
        var services = new ServiceCollection();
        services.AddMultimodal(configuration.GetSection("Multimodal"));
        using var sp = services.BuildServiceProvider();
        var options = sp.GetRequiredService<IOptions<MultimodalOptions>>().Value;
        Assert.Equal(2, options.IntraOpThreads);
        Assert.Equal(GraphOptimization.Basic, options.GraphOptimization);
        Assert.Equal(1_000_000, options.MaxImagePixels);
        Assert.Contains(ModelPrecision.Float16, options.PreferredPrecisions);
    }

    [Fact]
    public void UseCpuCalledTwiceRegistersOneProvider()
    {
        var services = new ServiceCollection();
        services.AddMultimodal().UseCpu().UseCpu();
        using var sp = services.BuildServiceProvider();
        Assert.Equal("CPU", Assert.Single(sp.GetServices<IOnnxExecutionProvider>()).Name);
    }

    [Fact]
    public void KeyedPipelinesLiveSideBySideWithTheDefaultOne()
    {
        var services = new ServiceCollection();
        services.AddMultimodal()
            .AddPipeline<FakePipeline>(null, _ => new FakePipeline("default"))
            .AddPipeline<FakePipeline>("small", _ => new FakePipeline("small"))
            .AddPipeline<FakePipeline>("large", _ => new FakePipeline("large"));
        using var sp = services.BuildServiceProvider();
        Assert.Equal("default", sp.GetRequiredService<FakePipeline>().Name);
        Assert.Equal("small", sp.GetRequiredKeyedService<FakePipeline>("small").Name);
        Assert.Same(sp.GetRequiredKeyedService<FakePipeline>("large"), sp.GetRequiredKeyedService<FakePipeline>("large"));
    }

    [Fact]
    public async Task HostedWarmupWarmsEveryRegisteredPipelineBeforeTheHostIsStarted()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMultimodal()
            .AddPipeline<FakePipeline>(null, _ => new FakePipeline("default"))
            .AddPipeline<FakePipeline>("other", _ => new FakePipeline("other"))
            .AddHostedWarmup();
        using var host = builder.Build();
        await host.StartAsync();
        Assert.Equal(1, host.Services.GetRequiredService<FakePipeline>().WarmUps);
        Assert.Equal(1, host.Services.GetRequiredKeyedService<FakePipeline>("other").WarmUps);
        await host.StopAsync();
    }

    [Fact]
    public void WithoutHostedWarmupNothingIsLoadedAtStart()
    {
        var services = new ServiceCollection();
        services.AddMultimodal().AddPipeline<FakePipeline>(null, _ => new FakePipeline("default"));
        using var sp = services.BuildServiceProvider();
        Assert.Empty(sp.GetServices<IHostedService>());
    }

    private sealed class FakePipeline(string name) : IWarmable
    {
        public string Name { get; } = name;

        public int WarmUps { get; private set; }

        public Task WarmUpAsync(CancellationToken cancellationToken)
        {
            WarmUps++;
            return Task.CompletedTask;
        }
    }
}

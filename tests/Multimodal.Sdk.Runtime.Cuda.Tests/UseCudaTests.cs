using Microsoft.Extensions.DependencyInjection;

namespace Multimodal.Sdk.Runtime.Cuda.Tests;

public class UseCudaTests
{
    [Fact]
    public void UseCudaRegistersOneProviderNamedByDevice()
    {
        var services = new ServiceCollection();
        services.AddMultimodal().UseCuda(1);
        using var sp = services.BuildServiceProvider();
        Assert.Equal("CUDA:1", Assert.Single(sp.GetServices<IOnnxExecutionProvider>()).Name);
    }

    [Fact]
    public void CallingUseCudaTwiceKeepsOnlyTheLastDevice()
    {
        var services = new ServiceCollection();
        services.AddMultimodal().UseCuda(0).UseCuda(2);
        using var sp = services.BuildServiceProvider();
        Assert.Equal("CUDA:2", Assert.Single(sp.GetServices<IOnnxExecutionProvider>()).Name);
    }

    [Fact]
    public void NegativeDeviceIsRejected()
    {
        var builder = new ServiceCollection().AddMultimodal();
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.UseCuda(-1));
    }
}

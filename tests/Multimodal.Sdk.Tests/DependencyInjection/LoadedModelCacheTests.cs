namespace Multimodal.Sdk.Tests.DependencyInjection;

public class LoadedModelCacheTests
{
    [Fact]
    public void TwoLeasesOnOnePathShareOneLoadAndTheLastReleaseDisposesIt()
    {
        using var cache = new LoadedModelCache();
        var a = cache.Acquire("models/x", () => new Model());
        var b = cache.Acquire("models/../models/x", () => new Model());

        Assert.Same(a.Value, b.Value);
        Assert.Equal(1, cache.Loads);
        a.Dispose();
        a.Dispose();
        Assert.False(b.Value.Disposed);
        b.Dispose();
        Assert.True(b.Value.Disposed);

        using var c = cache.Acquire("models/x", () => new Model());
        Assert.NotSame(b.Value, c.Value);
        Assert.Equal(2, cache.Loads);
    }

    [Fact]
    public void AFailedLoadIsRetriedByTheNextPipeline()
    {
        using var cache = new LoadedModelCache();
        Assert.Throws<ModelNotFoundException>(() => cache.Acquire<Model>("models/y", () => throw new ModelNotFoundException("models/y", null, "missing")));
        using var lease = cache.Acquire("models/y", () => new Model());
        Assert.False(lease.Value.Disposed);
    }

    [Fact]
    public void DisposingTheCacheDisposesWhatIsStillHeld()
    {
        var cache = new LoadedModelCache();
        var lease = cache.Acquire("models/z", () => new Model());
        cache.Dispose();
        Assert.True(lease.Value.Disposed);
        lease.Dispose();
        Assert.Throws<ObjectDisposedException>(() => cache.Acquire("models/z", () => new Model()));
    }

    private sealed class Model : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }
}

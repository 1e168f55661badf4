using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace Multimodal.Sdk.Tests.Runtime;

/// <summary>A cancelled token stops a graph while it runs (RunOptions.Terminate), not only before the next run.</summary>
public class RunCancellationTests
{
    private const int Size = 256;

    [Fact]
    public async Task CancellingDuringARunStopsTheGraphLongBeforeItWouldEnd()
    {
        using var session = Open(layers: 1);
        var x = new float[Size * Size];
        using var input = OrtValue.CreateTensorValueFromMemory(x, [Size, Size]);

        // Calibrate: one MatMul node; the chain below is sized to run for about 20 s on this machine.
        var single = Stopwatch.StartNew();
        for (int i = 0; i < 5; i++)
        {
            session.Run(["x"], [input], ["y"]).Dispose();
        }

        double perNode = single.Elapsed.TotalSeconds / 5;
        int layers = (int)Math.Clamp(20 / Math.Max(perNode, 1e-5), 200, 200_000);
        using var slow = Open(layers);
        using var cts = new CancellationTokenSource();
        var run = Task.Run(() => slow.Run(["x"], [input], ["y"], cts.Token).Dispose());
        await Task.Delay(300);
        Assert.False(run.IsCompleted, "the graph ended before it could be cancelled");
        var cancelled = Stopwatch.StartNew();
        await cts.CancelAsync();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(cts.Token, ex.CancellationToken);
        Assert.True(cancelled.Elapsed < TimeSpan.FromSeconds(5), $"the run went on for {cancelled.Elapsed.TotalSeconds:F1} s after cancellation ({layers} nodes of {perNode * 1000:F2} ms)");
    }

    [Fact]
    public void AnAlreadyCancelledTokenRunsNothing()
    {
        using var session = Open(layers: 1);
        using var input = OrtValue.CreateTensorValueFromMemory(new float[4], [2, 2]);
        Assert.Throws<OperationCanceledException>(() => session.Run(["x"], [input], ["y"], new CancellationToken(true)));
    }

    [Fact]
    public void AnUncancelledTokenRunsTheGraphToItsEnd()
    {
        using var session = Open(layers: 3);
        using var input = OrtValue.CreateTensorValueFromMemory(new float[] { 1, 1, 0, 1 }, [2, 2]);
        using var cts = new CancellationTokenSource();
        using var outputs = session.Run(["x"], [input], ["y"], cts.Token);
        Assert.Equal([1f, 4f, 0f, 1f], outputs[0].GetTensorDataAsSpan<float>().ToArray());
    }

    private static ModelSession Open(int layers)
    {
        var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        return new ModelSession("memory", "slow.onnx", new InferenceSession(SlowGraph.MatMulChain(layers), options), options);
    }
}

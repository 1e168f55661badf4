using BenchmarkDotNet.Running;

namespace Multimodal.Sdk.Benchmarks;

internal static class Program
{
    // dotnet run -c Release --project benchmarks/Multimodal.Sdk.Benchmarks -- --filter '*'
    private static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, new BenchmarkConfig());
}

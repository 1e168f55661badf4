using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;

namespace Multimodal.Sdk.Benchmarks;

/// <summary>The one configuration every benchmark uses: allocations measured, GitHub markdown tables for docs/benchmarks.md.</summary>
internal sealed class BenchmarkConfig : ManualConfig
{
    public BenchmarkConfig()
    {
        // A ManualConfig starts empty: without column providers the summary table has no columns at all, and
        // without a logger nothing (not even a failing benchmark's error) reaches the console.
        AddColumnProvider(DefaultColumnProviders.Instance);
        AddLogger(ConsoleLogger.Default);
        AddDiagnoser(MemoryDiagnoser.Default);
        AddExporter(MarkdownExporter.GitHub);
        AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(10));
        WithOptions(ConfigOptions.JoinSummary | ConfigOptions.DisableLogFile);
    }
}

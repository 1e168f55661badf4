using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace Multimodal.Sdk;

/// <summary>
/// The one place ONNX Runtime sessions are created: thread and optimization settings from
/// <see cref="MultimodalOptions"/>, the execution provider from the registered Runtime package, errors turned
/// into <see cref="MultimodalException"/>s that name the model file.
/// </summary>
/// <remarks>Safe for concurrent use. Sessions it creates belong to the caller, which disposes them.</remarks>
internal sealed class OnnxSessionFactory
{
    private static volatile bool s_quiet;

    private readonly MultimodalOptions _options;
    private readonly IOnnxExecutionProvider? _provider;

    public OnnxSessionFactory(IOptions<MultimodalOptions> options, IEnumerable<IOnnxExecutionProvider> providers)
        : this(options.Value, providers.LastOrDefault())
    {
    }

    public OnnxSessionFactory(MultimodalOptions? options = null, IOnnxExecutionProvider? provider = null)
    {
        _options = options?.Clone() ?? new MultimodalOptions();
        _provider = provider;
    }

    /// <summary>Gets a factory with default options on the CPU, for use without dependency injection.</summary>
    public static OnnxSessionFactory Default { get; } = new();

    public MultimodalOptions Options => _options;

    /// <summary>
    /// Gets the container this factory was created by, or <see langword="null"/> without dependency injection: where a
    /// capability package looks up the seams an application replaced (Vision's image decoder).
    /// </summary>
    public IServiceProvider? Services { get; init; }

    public string ProviderName => _provider?.Name ?? "CPU";

    /// <summary>Opens a model folder with this factory's precision preference.</summary>
    /// <exception cref="ModelNotFoundException">The folder does not exist.</exception>
    public ModelFolder OpenFolder(string path) => ModelFolder.Open(path, _options.PreferredPrecisions);

    /// <summary>Creates a session for graph <paramref name="graphName"/> of <paramref name="folder"/>.</summary>
    /// <exception cref="ModelNotFoundException">The graph is missing.</exception>
    /// <exception cref="ModelIncompatibleException">ONNX Runtime cannot load the graph.</exception>
    /// <exception cref="MultimodalException">ONNX Runtime's native library or the execution provider is not available.</exception>
    public ModelSession Create(ModelFolder folder, string graphName)
    {
        string path = folder.GetGraph(graphName);
        return Create(folder, path, folder.Relative(path));
    }

    /// <summary>Creates a session for a graph file given by path (tests, hand-built graphs).</summary>
    public ModelSession Create(ModelFolder folder, string fullPath, string relativeName)
    {
        SessionOptions? so = null;
        try
        {
            QuietEnvironment();
            so = CreateSessionOptions();
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            var session = new InferenceSession(fullPath, so);
            ServingMetrics.ModelLoadDuration.Record(
                System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("gen_ai.request.model", Path.GetFileName(folder.Path.TrimEnd('/', '\\'))),
                new KeyValuePair<string, object?>("multimodal.graph", relativeName),
                new KeyValuePair<string, object?>("multimodal.execution_provider", ProviderName));
            return new ModelSession(folder.Path, relativeName, session, so);
        }
        catch (OnnxRuntimeException ex)
        {
            so?.Dispose();
            throw new ModelIncompatibleException(folder.Path, relativeName, $"ONNX Runtime could not load '{relativeName}' from model folder '{folder.Path}': {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            so?.Dispose();
            throw new MultimodalException(
                "ONNX Runtime's native library could not be loaded. Reference Multimodal.Sdk.Runtime.Cpu (or Runtime.Cuda) from the application and call UseCpu() (or UseCuda()) on the multimodal builder.",
                ex);
        }
        catch
        {
            so?.Dispose();
            throw;
        }
    }

    // ONNX Runtime's default logger writes coloured warnings and errors to the console; a library must not, and
    // every failure reaches the caller as an exception anyway. Only fatal messages (before a crash) remain.
    private static void QuietEnvironment()
    {
        if (!s_quiet)
        {
            OrtEnv.Instance().EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
            s_quiet = true;
        }
    }

    private SessionOptions CreateSessionOptions()
    {
        var so = new SessionOptions
        {
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
            IntraOpNumThreads = _options.IntraOpThreads,
            InterOpNumThreads = _options.InterOpThreads,
            EnableCpuMemArena = _options.EnableMemoryArena,
            GraphOptimizationLevel = _options.GraphOptimization switch
            {
                GraphOptimization.None => GraphOptimizationLevel.ORT_DISABLE_ALL,
                GraphOptimization.Basic => GraphOptimizationLevel.ORT_ENABLE_BASIC,
                GraphOptimization.Extended => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
            },
            ExecutionMode = _options.InterOpThreads > 1 ? ExecutionMode.ORT_PARALLEL : ExecutionMode.ORT_SEQUENTIAL,
        };
        _provider?.Configure(so);
        return so;
    }
}

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

    /// <summary>
    /// Opens a model folder with this factory's precision preference. A repository id (<c>owner/name</c> that is not a
    /// local folder, or <c>hf:...</c>) is downloaded first, or found in the hub cache, through the container's
    /// <see cref="HuggingFaceHub"/>, fetching the graphs of the preferred precisions.
    /// </summary>
    /// <exception cref="ModelNotFoundException">The folder does not exist, or the repository (or the cache, offline) lacks the model.</exception>
    /// <exception cref="ModelDownloadException">The repository could not be downloaded.</exception>
    public ModelFolder OpenFolder(string path)
    {
        if (HuggingFaceHub.TryParseRepoId(path, out _, out _))
        {
            if (Services?.GetService(typeof(HuggingFaceHub)) is HuggingFaceHub hub)
            {
                path = hub.ResolveModelPath(path, _options.PreferredPrecisions);
            }
            else
            {
                // Without dependency injection: the environment as it is now (HF_ENDPOINT, HF_HOME, HF_HUB_OFFLINE ...).
                using var fromEnvironment = new HuggingFaceHub();
                path = fromEnvironment.ResolveModelPath(path, _options.PreferredPrecisions);
            }
        }

        return ModelFolder.Open(path, _options.PreferredPrecisions);
    }

    /// <summary>Creates a session for graph <paramref name="graphName"/> of <paramref name="folder"/>.</summary>
    /// <exception cref="ModelNotFoundException">The graph is missing.</exception>
    /// <exception cref="ModelIncompatibleException">ONNX Runtime cannot load the graph.</exception>
    /// <exception cref="MultimodalException">ONNX Runtime's native library or the execution provider is not available.</exception>
    public ModelSession Create(ModelFolder folder, string graphName)
    {
        string path = folder.GetGraph(graphName);
        return Create(folder, path, folder.Relative(path));
    }

    /// <summary>
    /// Creates sessions for several graphs of <paramref name="folder"/> at once, one per thread: ONNX Runtime's graph
    /// optimization and kernel set-up of each is single-threaded, so a model of several graphs (CLIP's text, vision and
    /// combined ones) loads in about the time of its largest graph on a machine with the cores. All or nothing: when
    /// one fails, the others are disposed and its exception is thrown.
    /// </summary>
    /// <returns>The sessions, in the order of <paramref name="graphNames"/>.</returns>
    /// <exception cref="ModelNotFoundException">A graph is missing.</exception>
    /// <exception cref="ModelIncompatibleException">ONNX Runtime cannot load a graph.</exception>
    public ModelSession[] CreateAll(ModelFolder folder, IReadOnlyList<string> graphNames)
    {
        QuietEnvironment(); // once, before the threads: the first call also creates ONNX Runtime's environment
        var tasks = graphNames.Select((name, i) => i == 0 ? null : Task.Run(() => Create(folder, name))).ToArray();
        Exception? failure = null;
        var sessions = new ModelSession?[graphNames.Count];
        try
        {
            sessions[0] = graphNames.Count > 0 ? Create(folder, graphNames[0]) : null;
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        for (int i = 1; i < tasks.Length; i++)
        {
            try
            {
                sessions[i] = tasks[i]!.GetAwaiter().GetResult();
            }
            catch (Exception ex)
            {
                failure ??= ex;
            }
        }

        if (failure is not null)
        {
            foreach (var session in sessions)
            {
                session?.Dispose();
            }

            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        return sessions!;
    }

    /// <summary>Creates a session for a graph file given by path (tests, hand-built graphs, OCR's named graphs).</summary>
    /// <param name="folder">The model folder.</param>
    /// <param name="fullPath">The graph file.</param>
    /// <param name="relativeName">The graph's name in messages and metrics.</param>
    /// <param name="stopSpinningAfterRun">
    /// For a pipeline whose runs are short and alternate between graphs (OCR: detector, then classifier, then
    /// recognizer, per image): ONNX Runtime's workers still spin between the operators of a run, where
    /// <see cref="MultimodalOptions.AllowThreadSpinning"/> allows it, but stop when the run returns, so that a finished
    /// graph's workers do not hold the core the next graph's run needs. No effect where spinning is off.
    /// </param>
    public ModelSession Create(ModelFolder folder, string fullPath, string relativeName, bool stopSpinningAfterRun = false)
    {
        SessionOptions? so = null;
        try
        {
            QuietEnvironment();
            var entries = SessionConfigEntries(_options, stopSpinningAfterRun);
            so = CreateSessionOptions(entries);
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            var session = new InferenceSession(fullPath, so);
            ServingMetrics.ModelLoadDuration.Record(
                System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("gen_ai.request.model", Path.GetFileName(folder.Path.TrimEnd('/', '\\'))),
                new KeyValuePair<string, object?>("multimodal.graph", relativeName),
                new KeyValuePair<string, object?>("multimodal.execution_provider", ProviderName));
            return new ModelSession(folder.Path, relativeName, session, so) { ConfigEntries = entries };
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

    /// <summary>
    /// The ONNX Runtime session config entries for <paramref name="options"/>: spinning off for both thread pools where
    /// it is not allowed, else, for <paramref name="stopSpinningAfterRun"/>, spinning that ends with each run.
    /// </summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> SessionConfigEntries(MultimodalOptions options, bool stopSpinningAfterRun)
    {
        if (!options.AllowThreadSpinning)
        {
            return [new("session.intra_op.allow_spinning", "0"), new("session.inter_op.allow_spinning", "0")];
        }

        return stopSpinningAfterRun ? [new("session.force_spinning_stop", "1")] : [];
    }

    private SessionOptions CreateSessionOptions(IReadOnlyList<KeyValuePair<string, string>> configEntries)
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
        foreach (var (key, value) in configEntries)
        {
            so.AddSessionConfigEntry(key, value);
        }

        _provider?.Configure(so);
        return so;
    }
}

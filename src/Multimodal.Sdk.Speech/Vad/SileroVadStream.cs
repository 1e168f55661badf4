using Microsoft.ML.OnnxRuntime;

namespace Multimodal.Sdk;

/// <summary>
/// One pass of the Silero VAD v5 graph over a signal, window by window, as silero-vad's <c>OnnxWrapper</c> feeds it:
/// 512 samples at 16 kHz (256 at 8 kHz) behind the previous window's last 64 (32) samples, zeros before the first
/// window, the recurrent <c>state</c> [2, 1, 128] carried from one window to the next, the last window zero-padded.
/// Input at 8 or 16 kHz runs at its own rate; any other rate is resampled to 16 kHz block by block on the way in.
/// </summary>
/// <remarks>
/// The input, state and output tensors wrap arrays pinned for the stream's lifetime and are reused for every window,
/// so a window allocates nothing. Not safe for concurrent use: one per detection call (the session is shared).
/// </remarks>
internal sealed class SileroVadStream : IDisposable
{
    private static readonly string[] InputNames = ["input", "state", "sr"];
    private static readonly string[] OutputNames = ["output", "stateN"];
    private const int ResampleBlock = 4096;

    private readonly ModelSession _session;
    private readonly float[] _frame;
    private readonly float[] _state;
    private readonly float[] _stateOut;
    private readonly float[] _output = new float[1];
    private readonly OrtValue[] _inputs;
    private readonly OrtValue[] _outputs;
    private readonly int _context;
    private readonly PolyphaseResampler? _resampler;
    private readonly float[] _resampled = [];
    private int _filled;

    public SileroVadStream(ModelSession session, int inputRate, int stateSize)
    {
        _session = session;
        InputRate = inputRate;
        int sampleRate = inputRate is 8000 or 16000 ? inputRate : 16000;
        SampleRate = sampleRate;
        if (sampleRate != inputRate)
        {
            PolyphaseResampler.CheckInputRate(inputRate, sampleRate);
            _resampler = new PolyphaseResampler(inputRate, sampleRate);
            _resampled = new float[Math.Max(_resampler.MaxOutputLength(ResampleBlock), _resampler.MaxFlushLength)];
        }

        Window = sampleRate == 16000 ? 512 : 256;
        _context = sampleRate == 16000 ? 64 : 32;
        _frame = new float[_context + Window];
        _state = new float[2 * stateSize];
        _stateOut = new float[2 * stateSize];
        long[] stateShape = [2, 1, stateSize];
        _inputs =
        [
            OrtValue.CreateTensorValueFromMemory(_frame, [1, _frame.Length]),
            OrtValue.CreateTensorValueFromMemory(_state, stateShape),
            OrtValue.CreateTensorValueFromMemory(new long[] { sampleRate }, []),
        ];
        _outputs =
        [
            OrtValue.CreateTensorValueFromMemory(_output, [1, 1]),
            OrtValue.CreateTensorValueFromMemory(_stateOut, stateShape),
        ];
    }

    /// <summary>Gets the rate of the samples fed to <see cref="Process"/>.</summary>
    public int InputRate { get; }

    /// <summary>Gets the rate the model runs at (16000 or 8000).</summary>
    public int SampleRate { get; }

    /// <summary>Gets the samples per window.</summary>
    public int Window { get; }

    /// <summary>Gets the number of samples at the model's rate that <paramref name="inputLength"/> input samples become.</summary>
    public long ModelLength(long inputLength) => _resampler is null ? inputLength : PolyphaseResampler.OutputLength(inputLength, InputRate, SampleRate);

    /// <summary>Feeds samples at <see cref="InputRate"/>; adds the probability of every window completed to <paramref name="probabilities"/>.</summary>
    public void Process(ReadOnlySpan<float> samples, List<float> probabilities)
    {
        if (_resampler is null)
        {
            ProcessAtModelRate(samples, probabilities);
            return;
        }

        for (int offset = 0; offset < samples.Length; offset += ResampleBlock)
        {
            int n = _resampler.Process(samples.Slice(offset, Math.Min(ResampleBlock, samples.Length - offset)), _resampled);
            ProcessAtModelRate(_resampled.AsSpan(0, n), probabilities);
        }
    }

    /// <summary>Ends the signal: the resampler's tail is fed, a partly filled last window is zero-padded and run.</summary>
    public void Finish(List<float> probabilities)
    {
        if (_resampler is not null)
        {
            ProcessAtModelRate(_resampled.AsSpan(0, _resampler.Flush(_resampled)), probabilities);
        }

        if (_filled > 0)
        {
            _frame.AsSpan(_context + _filled).Clear();
            _filled = Window;
            probabilities.Add(Run());
        }
    }

    private void ProcessAtModelRate(ReadOnlySpan<float> samples, List<float> probabilities)
    {
        while (!samples.IsEmpty)
        {
            int n = Math.Min(samples.Length, Window - _filled);
            samples[..n].CopyTo(_frame.AsSpan(_context + _filled));
            _filled += n;
            samples = samples[n..];
            if (_filled == Window)
            {
                probabilities.Add(Run());
            }
        }
    }

    public void Dispose()
    {
        foreach (var v in _inputs)
        {
            v.Dispose();
        }

        foreach (var v in _outputs)
        {
            v.Dispose();
        }
    }

    private float Run()
    {
        try
        {
            _session.Session.Run(RunOptionsInstance, InputNames, _inputs, OutputNames, _outputs);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new MultimodalException($"Running '{_session.FileName}' of '{_session.FolderPath}' failed: {ex.Message}", ex);
        }

        _stateOut.CopyTo(_state, 0);

        // The next window sees this one's last samples as context.
        _frame.AsSpan(Window, _context).CopyTo(_frame);
        _filled = 0;
        return _output[0];
    }

    private static RunOptions RunOptionsInstance { get; } = new();
}

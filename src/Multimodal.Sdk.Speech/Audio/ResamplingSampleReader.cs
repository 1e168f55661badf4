namespace Multimodal.Sdk;

/// <summary>Resamples another reader on the fly, block by block, with a <see cref="PolyphaseResampler"/>.</summary>
/// <remarks>Not safe for concurrent use. Owns and disposes the source reader.</remarks>
internal sealed class ResamplingSampleReader : IAudioSampleReader
{
    private const int BlockSize = 16 * 1024;

    private readonly IAudioSampleReader _source;
    private readonly PolyphaseResampler _resampler;
    private readonly float[] _input;
    private readonly float[] _output;
    private int _outputStart;
    private int _outputCount;
    private bool _flushed;

    /// <summary>Wraps <paramref name="source"/>, converting to <paramref name="targetRate"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="targetRate"/> is not positive.</exception>
    /// <exception cref="InputDecodeException">The source's rate is too far from <paramref name="targetRate"/> (see <see cref="PolyphaseResampler.MaxRatio"/>).</exception>
    public ResamplingSampleReader(IAudioSampleReader source, int targetRate, bool vectorized = true)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetRate);
        PolyphaseResampler.CheckInputRate(source.SampleRate, targetRate);
        _source = source;
        _resampler = new PolyphaseResampler(source.SampleRate, targetRate, vectorized);
        _input = new float[BlockSize];
        _output = new float[Math.Max(_resampler.MaxOutputLength(BlockSize), _resampler.MaxFlushLength)];
    }

    /// <inheritdoc/>
    public int SampleRate => _resampler.TargetRate;

    /// <inheritdoc/>
    public long? Length => _source.Length is { } n ? PolyphaseResampler.OutputLength(n, _resampler.SourceRate, _resampler.TargetRate) : null;

    /// <inheritdoc/>
    public int Read(Span<float> destination)
    {
        int written = 0;
        while (written < destination.Length)
        {
            if (_outputCount > 0)
            {
                int n = Math.Min(_outputCount, destination.Length - written);
                _output.AsSpan(_outputStart, n).CopyTo(destination[written..]);
                written += n;
                _outputStart += n;
                _outputCount -= n;
                continue;
            }

            if (_flushed)
            {
                break;
            }

            int read = _source.Read(_input);
            _outputStart = 0;
            if (read == 0)
            {
                _outputCount = _resampler.Flush(_output);
                _flushed = true;
            }
            else
            {
                _outputCount = _resampler.Process(_input.AsSpan(0, read), _output);
            }
        }

        return written;
    }

    /// <inheritdoc/>
    public void Dispose() => _source.Dispose();
}

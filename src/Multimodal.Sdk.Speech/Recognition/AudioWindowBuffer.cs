namespace Multimodal.Sdk;

/// <summary>
/// A forward-only window over a stream of samples: holds at most one recognition window plus one sample, so hours of
/// audio pass through a fixed buffer. The extra sample tells a window that ends the audio from one that does not.
/// </summary>
/// <remarks>Not safe for concurrent use; owns (and disposes) the reader.</remarks>
internal sealed class AudioWindowBuffer : IDisposable
{
    private readonly IAudioSampleReader _reader;
    private readonly float[] _buffer;
    private readonly int _window;
    private long _start;
    private int _count;

    public AudioWindowBuffer(IAudioSampleReader reader, int windowSamples)
    {
        _reader = reader;
        _window = windowSamples;
        _buffer = new float[windowSamples + 1];
    }

    /// <summary>Gets a value indicating whether the reader is exhausted (the total length is known).</summary>
    public bool Ended { get; private set; }

    /// <summary>Gets the samples read so far: the whole length once <see cref="Ended"/>.</summary>
    public long SamplesRead => _start + _count;

    /// <summary>
    /// Moves the window to absolute sample <paramref name="from"/> (never backwards) and fills it. Returns up to one
    /// window of samples from there; fewer only at the end of the audio.
    /// </summary>
    public ReadOnlyMemory<float> MoveTo(long from, CancellationToken cancellationToken)
    {
        if (from < _start)
        {
            throw new InvalidOperationException("The window only moves forward.");
        }

        long drop = from - _start;
        if (drop >= _count)
        {
            long skip = drop - _count;
            _start += _count;
            _count = 0;
            Skip(skip, cancellationToken);
        }
        else if (drop > 0)
        {
            Array.Copy(_buffer, (int)drop, _buffer, 0, _count - (int)drop);
            _count -= (int)drop;
        }

        _start = from;
        while (!Ended && _count < _buffer.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = _reader.Read(_buffer.AsSpan(_count));
            Ended = n == 0;
            _count += n;
        }

        return _buffer.AsMemory(0, Math.Min(_count, _window));
    }

    public void Dispose() => _reader.Dispose();

    private void Skip(long samples, CancellationToken cancellationToken)
    {
        while (samples > 0 && !Ended)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = _reader.Read(_buffer.AsSpan(0, (int)Math.Min(samples, _buffer.Length)));
            Ended = n == 0;
            samples -= n;
            _start += n;
        }
    }
}

/// <summary>Reads samples already in memory, so in-memory audio takes the same windowed path as streams.</summary>
internal sealed class MemorySampleReader : IAudioSampleReader
{
    private readonly ReadOnlyMemory<float> _samples;
    private int _position;

    public MemorySampleReader(ReadOnlyMemory<float> samples, int sampleRate)
    {
        _samples = samples;
        SampleRate = sampleRate;
    }

    public int SampleRate { get; }

    public long? Length => _samples.Length;

    public int Read(Span<float> destination)
    {
        int n = Math.Min(destination.Length, _samples.Length - _position);
        _samples.Span.Slice(_position, n).CopyTo(destination);
        _position += n;
        return n;
    }

    public void Dispose()
    {
    }
}

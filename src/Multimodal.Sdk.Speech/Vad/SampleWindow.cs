namespace Multimodal.Sdk;

/// <summary>
/// The samples of a stream from some absolute position to the newest one: appended at the end, dropped from the front,
/// sliced by time. What streaming VAD transcription holds instead of the whole clip.
/// </summary>
/// <remarks>Not safe for concurrent use.</remarks>
internal sealed class SampleWindow
{
    private float[] _buffer = new float[64 * 1024];
    private int _offset;
    private int _count;

    /// <summary>Gets the absolute index of the first sample held.</summary>
    public long Origin { get; private set; }

    /// <summary>Gets how many samples are held.</summary>
    public int Count => _count;

    public void Append(ReadOnlySpan<float> samples)
    {
        if (_offset + _count + samples.Length > _buffer.Length)
        {
            // Move the live samples to the front, growing only when they alone do not fit.
            int needed = _count + samples.Length;
            var target = needed > _buffer.Length ? new float[Math.Max(needed, 2 * _buffer.Length)] : _buffer;
            Array.Copy(_buffer, _offset, target, 0, _count);
            _buffer = target;
            _offset = 0;
        }

        samples.CopyTo(_buffer.AsSpan(_offset + _count));
        _count += samples.Length;
    }

    /// <summary>Forgets the samples before absolute index <paramref name="position"/>.</summary>
    public void DropBefore(long position)
    {
        int drop = (int)Math.Clamp(position - Origin, 0, _count);
        _offset += drop;
        _count -= drop;
        Origin += drop;
    }

    /// <summary>
    /// A copy of [<paramref name="start"/>, <paramref name="end"/>), rounded as <see cref="VoiceActivityTranscriber.Slice"/>
    /// rounds and never longer than <paramref name="maxDuration"/>; the part already dropped or not yet read is left out.
    /// </summary>
    public AudioData Slice(TimeSpan start, TimeSpan end, TimeSpan maxDuration, int rate)
    {
        long end0 = Origin + _count;
        long from = (long)Math.Clamp(Math.Round(start.TotalSeconds * rate), 0, end0);
        long to = (long)Math.Clamp(Math.Round(end.TotalSeconds * rate), from, end0);
        to = (long)Math.Min(to, from + Math.Floor(maxDuration.TotalSeconds * rate));
        from = Math.Max(from, Origin);
        to = Math.Max(to, from);
        return new AudioData(_buffer.AsSpan(_offset + (int)(from - Origin), (int)(to - from)).ToArray(), rate);
    }
}

namespace Multimodal.Sdk;

/// <summary>
/// Mono audio as 32-bit float samples in [-1, 1] at a known sample rate: what audio decoders produce and
/// speech pipelines consume.
/// </summary>
/// <remarks>Immutable apart from the caller-owned sample memory; safe to share between threads when that memory is not changed.</remarks>
public sealed class AudioData
{
    /// <summary>Creates audio from samples.</summary>
    /// <param name="samples">Mono samples in [-1, 1].</param>
    /// <param name="sampleRate">Samples per second, greater than 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleRate"/> is not positive.</exception>
    public AudioData(ReadOnlyMemory<float> samples, int sampleRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        Samples = samples;
        SampleRate = sampleRate;
    }

    /// <summary>Gets the mono samples.</summary>
    public ReadOnlyMemory<float> Samples { get; }

    /// <summary>Gets the sample rate in hertz.</summary>
    public int SampleRate { get; }

    /// <summary>Gets the duration.</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds((double)Samples.Length / SampleRate);
}

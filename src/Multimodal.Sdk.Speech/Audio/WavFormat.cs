namespace Multimodal.Sdk;

/// <summary>How one sample of one channel is stored in a WAV data chunk (little-endian).</summary>
internal enum WavSampleFormat
{
    /// <summary>8-bit unsigned integer, 128 = silence.</summary>
    UInt8,

    /// <summary>16-bit signed integer.</summary>
    Int16,

    /// <summary>24-bit signed integer packed in 3 bytes.</summary>
    Int24,

    /// <summary>32-bit signed integer.</summary>
    Int32,

    /// <summary>IEEE 754 single precision.</summary>
    Float32,

    /// <summary>IEEE 754 double precision.</summary>
    Float64,
}

/// <summary>What a WAV header says about the data chunk that follows it.</summary>
/// <param name="SampleFormat">The storage of one sample.</param>
/// <param name="Channels">Interleaved channels per frame, at least 1.</param>
/// <param name="SampleRate">Frames per second, at least 1.</param>
/// <param name="BlockAlign">Bytes per frame: <paramref name="Channels"/> x bytes per sample.</param>
/// <param name="DataLength">
/// Bytes of audio in the data chunk, or <see langword="null"/> when a streaming writer left a placeholder size
/// and the audio runs to the end of the stream.
/// </param>
internal sealed record WavFormat(WavSampleFormat SampleFormat, int Channels, int SampleRate, int BlockAlign, long? DataLength)
{
    /// <summary>Gets the bytes one sample of one channel takes.</summary>
    public int BytesPerSample => BytesOf(SampleFormat);

    /// <summary>Gets the whole frames in the data chunk, or <see langword="null"/> when the length is not known.</summary>
    public long? FrameCount => DataLength / BlockAlign;

    public static int BytesOf(WavSampleFormat format) => format switch
    {
        WavSampleFormat.UInt8 => 1,
        WavSampleFormat.Int16 => 2,
        WavSampleFormat.Int24 => 3,
        WavSampleFormat.Int32 => 4,
        WavSampleFormat.Float32 => 4,
        WavSampleFormat.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };
}

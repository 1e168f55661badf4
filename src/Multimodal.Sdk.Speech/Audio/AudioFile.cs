using System.Globalization;

namespace Multimodal.Sdk;

/// <summary>
/// Loads audio into memory as mono <see cref="AudioData"/>, resampled to the rate a model needs.
/// WAV (integer PCM 8/16/24/32-bit, IEEE float 32/64-bit, WAVE_FORMAT_EXTENSIBLE, RF64, any channel count and rate)
/// is decoded in-process; MP3, AAC, Ogg (Vorbis/Opus), FLAC, MP4/M4A, WebM/Matroska, AIFF and other containers are
/// decoded by ffmpeg when it is installed. Channels are averaged; resampling uses a band-limited polyphase
/// Kaiser-windowed sinc filter (stop band 100 dB below the pass band, from the output's Nyquist frequency up).
/// </summary>
/// <remarks>
/// A WAV header written by a streaming writer (data size 0xFFFFFFFF, sox's 0x7FFFF000, or 0 with an unset RIFF size)
/// means the audio runs to the end of the input. Stateless; safe for concurrent use.
/// </remarks>
public static class AudioFile
{
    private const int BlockSize = 64 * 1024;
    private const int MaxUpfrontSamples = 1 << 22;

    /// <summary>Reads an audio file.</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="targetSampleRate">The rate to resample to, in hertz (16000 for Whisper); <see langword="null"/> keeps the file's rate.</param>
    /// <param name="options">Where to find ffmpeg (<see cref="MultimodalOptions.FfmpegPath"/>); <see langword="null"/> searches <c>PATH</c>.</param>
    /// <param name="cancellationToken">Checked between blocks of samples.</param>
    /// <returns>The mono samples at <paramref name="targetSampleRate"/>, or at the file's rate.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="targetSampleRate"/> is not positive.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InputDecodeException">The file is not audio in a supported format; it is truncated or its header is inconsistent; or it needs ffmpeg, which is not installed.</exception>
    /// <exception cref="InputTooLargeException">The decoded audio would exceed the largest array .NET can hold.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static AudioData Read(string path, int? targetSampleRate = null, MultimodalOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var reader = AudioReader.Open(path, targetSampleRate, options?.FfmpegPath);
        return ReadAll(reader, cancellationToken);
    }

    /// <summary>Reads audio from a stream, from its current position to its end. The stream is not disposed.</summary>
    /// <param name="stream">The encoded audio; it need not be seekable.</param>
    /// <param name="targetSampleRate">The rate to resample to, in hertz (16000 for Whisper); <see langword="null"/> keeps the input's rate.</param>
    /// <param name="options">Where to find ffmpeg (<see cref="MultimodalOptions.FfmpegPath"/>); <see langword="null"/> searches <c>PATH</c>.</param>
    /// <param name="cancellationToken">Checked between blocks of samples.</param>
    /// <returns>The mono samples at <paramref name="targetSampleRate"/>, or at the input's rate.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not readable.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="targetSampleRate"/> is not positive.</exception>
    /// <exception cref="InputDecodeException">The input is not audio in a supported format; it is truncated or its header is inconsistent; or it needs ffmpeg, which is not installed.</exception>
    /// <exception cref="InputTooLargeException">The decoded audio would exceed the largest array .NET can hold.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static AudioData Read(Stream stream, int? targetSampleRate = null, MultimodalOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var reader = AudioReader.Open(stream, targetSampleRate, options?.FfmpegPath);
        return ReadAll(reader, cancellationToken);
    }

    internal static AudioData ReadAll(IAudioSampleReader reader, CancellationToken cancellationToken)
    {
        long limit = Array.MaxLength;
        if (reader.Length is { } declared && declared > limit)
        {
            throw TooLarge(declared, limit);
        }

        // A declared length sizes the array once; a header may lie (a pipe cannot be checked up front), so the first
        // allocation is capped and the loop still grows or trims it: 40 bytes claiming 4 GB cannot allocate 8 GB.
        float[] samples = new float[(int)Math.Min(reader.Length ?? BlockSize, MaxUpfrontSamples)];
        int count = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (count == samples.Length)
            {
                if (count == limit)
                {
                    float probe = 0;
                    if (reader.Read(new Span<float>(ref probe)) == 0)
                    {
                        break;
                    }

                    throw TooLarge(count + 1L, limit);
                }

                Array.Resize(ref samples, (int)Math.Min(limit, Math.Max(BlockSize, 2L * samples.Length)));
            }

            int n = reader.Read(samples.AsSpan(count, Math.Min(BlockSize, samples.Length - count)));
            if (n == 0)
            {
                break;
            }

            count += n;
        }

        if (count != samples.Length)
        {
            Array.Resize(ref samples, count);
        }

        return new AudioData(samples, reader.SampleRate);
    }

    private static InputTooLargeException TooLarge(long actual, long limit) => new(
        string.Create(CultureInfo.InvariantCulture, $"The audio has at least {actual} samples; one array holds at most {limit}. Stream long audio in chunks instead of loading it whole."),
        actual,
        limit);
}

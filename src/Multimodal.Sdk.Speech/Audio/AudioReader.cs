namespace Multimodal.Sdk;

/// <summary>
/// Opens any supported audio input as an <see cref="IAudioSampleReader"/> of mono samples, optionally resampled:
/// WAV in-process, other containers (detected by magic bytes) through ffmpeg. The entry point for code that streams
/// long audio; <see cref="AudioFile"/> uses it to load whole files.
/// </summary>
/// <remarks>Stateless; safe for concurrent use (each call returns its own reader).</remarks>
internal static class AudioReader
{
    /// <summary>Opens a file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InputDecodeException">The file is not decodable audio, or it needs ffmpeg and there is none.</exception>
    public static IAudioSampleReader Open(string path, int? targetSampleRate = null, string? ffmpegPath = null, bool vectorized = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        CheckTarget(targetSampleRate);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        try
        {
            Span<byte> head = stackalloc byte[AudioContainerSniffer.HeaderBytes];
            int n = WavHeaderParser.ReadFully(file, head);
            var container = AudioContainerSniffer.Detect(head[..n]);
            file.Position = 0;
            if (container == AudioContainer.Wav)
            {
                return Resample(WavSampleReader.Open(file, leaveOpen: false, vectorized), targetSampleRate, vectorized);
            }

            var declared = DeclaredLength.Read(file, container);
            file.Dispose();

            // ffmpeg reads the file itself: it can seek, which MP4 files with the index at the end need.
            return Resample(OpenWithFfmpeg(container, head[..n], path, null, ffmpegPath, declared), targetSampleRate, vectorized);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Opens a stream, which is read forward from its current position and never disposed.</summary>
    /// <exception cref="InputDecodeException">The stream is not decodable audio, or it needs ffmpeg and there is none.</exception>
    public static IAudioSampleReader Open(Stream stream, int? targetSampleRate = null, string? ffmpegPath = null, bool vectorized = true)
    {
        ArgumentNullException.ThrowIfNull(stream);
        CheckTarget(targetSampleRate);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream is not readable.", nameof(stream));
        }

        byte[] head = new byte[AudioContainerSniffer.HeaderBytes];
        long start = stream.CanSeek ? stream.Position : 0;
        int n = WavHeaderParser.ReadFully(stream, head);
        Array.Resize(ref head, n);
        Stream source = stream;
        var container = AudioContainerSniffer.Detect(head);
        (long Frames, long Tolerance)? declared = null;
        if (stream.CanSeek)
        {
            stream.Position = start;
            declared = DeclaredLength.Read(stream, container);
        }
        else
        {
            if (container is AudioContainer.Mp3 or AudioContainer.Flac && n == head.Length)
            {
                // Keep the header that declares the length in the replayed prefix (an ID3 tag larger than it hides it).
                Array.Resize(ref head, DeclaredLength.HeaderBytes);
                n += WavHeaderParser.ReadFully(stream, head.AsSpan(n));
                Array.Resize(ref head, n);
                declared = DeclaredLength.Parse(container, head);
            }

            source = new ReplayStream(head, stream);
        }

        IAudioSampleReader reader = container == AudioContainer.Wav
            ? WavSampleReader.Open(source, leaveOpen: true, vectorized)
            : OpenWithFfmpeg(container, head.AsSpan(0, Math.Min(head.Length, AudioContainerSniffer.HeaderBytes)), null, source, ffmpegPath, declared);
        return Resample(reader, targetSampleRate, vectorized);
    }

    private static FfmpegSampleReader OpenWithFfmpeg(AudioContainer container, ReadOnlySpan<byte> head, string? path, Stream? stream, string? ffmpegPath, (long Frames, long Tolerance)? declared)
    {
        if (container == AudioContainer.Unknown)
        {
            throw new InputDecodeException(head.IsEmpty
                ? "Cannot decode audio: the input is empty."
                : $"Cannot decode audio: the input is not a recognised audio format (it starts with {Convert.ToHexString(head)}). Supported: WAV, and with ffmpeg MP3, AAC, Ogg/Opus/Vorbis, FLAC, MP4/M4A, WebM/Matroska, AIFF, AMR, CAF, WMA.");
        }

        string what = container.ToString().ToUpperInvariant();
        string ffmpeg = FfmpegLocator.Find(ffmpegPath) ?? throw FfmpegLocator.NotFound(what, ffmpegPath);
        return FfmpegSampleReader.Open(ffmpeg, path, stream, what, declared);
    }

    private static IAudioSampleReader Resample(IAudioSampleReader reader, int? targetSampleRate, bool vectorized)
    {
        if (targetSampleRate is not { } target || target == reader.SampleRate)
        {
            return reader;
        }

        try
        {
            PolyphaseResampler.CheckInputRate(reader.SampleRate, target);
        }
        catch
        {
            reader.Dispose();
            throw;
        }

        return new ResamplingSampleReader(reader, target, vectorized);
    }

    private static void CheckTarget(int? targetSampleRate)
    {
        if (targetSampleRate is { } t)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(t, nameof(targetSampleRate));
        }
    }
}

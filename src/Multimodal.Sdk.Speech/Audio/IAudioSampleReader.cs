namespace Multimodal.Sdk;

/// <summary>
/// Pulls decoded mono audio a block at a time, so a long file (hours) is processed with bounded memory.
/// Speech pipelines read from it; <see cref="AudioFile"/> drains one into an <see cref="AudioData"/>.
/// </summary>
/// <remarks>Not safe for concurrent use: one reader serves one consumer.</remarks>
internal interface IAudioSampleReader : IDisposable
{
    /// <summary>Gets the rate of the samples this reader returns, in hertz.</summary>
    int SampleRate { get; }

    /// <summary>Gets the total samples this reader will return, when the source says so up front; otherwise <see langword="null"/>.</summary>
    long? Length { get; }

    /// <summary>Fills <paramref name="destination"/> with the next samples.</summary>
    /// <returns>The samples written; fewer than asked only at the end, 0 once the audio is exhausted.</returns>
    /// <exception cref="InputDecodeException">The source turns out to be truncated or undecodable.</exception>
    int Read(Span<float> destination);
}

namespace Multimodal.Sdk;

/// <summary>
/// Finds where speech is in audio (voice activity detection): the stretches a speech recognizer should decode, with
/// silence and noise between them left out.
/// </summary>
/// <remarks>Implementations are safe for concurrent use.</remarks>
public interface IVoiceActivityDetector : IDisposable
{
    /// <summary>Finds the speech regions of a clip.</summary>
    /// <param name="audio">Mono audio at any sample rate (resampled to one the model takes); at least one sample.</param>
    /// <param name="options">Thresholds, durations and padding; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Checked between model windows.</param>
    /// <returns>The speech regions in time order, not overlapping; empty when nothing is said.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="audio"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="audio"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (see <see cref="VoiceActivityOptions"/>).</exception>
    /// <exception cref="MultimodalException">The model failed to run.</exception>
    Task<IReadOnlyList<VoiceActivityRegion>> DetectAsync(AudioData audio, VoiceActivityOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Streams the speech regions of a clip as soon as each is settled, while the rest is still analysed.</summary>
    /// <param name="audio">Mono audio at any sample rate (resampled to one the model takes); at least one sample.</param>
    /// <param name="options">Thresholds, durations and padding; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Checked between model windows.</param>
    /// <returns>The same regions as <see cref="DetectAsync"/>, in time order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="audio"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="audio"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (see <see cref="VoiceActivityOptions"/>).</exception>
    /// <exception cref="MultimodalException">The model failed to run.</exception>
    IAsyncEnumerable<VoiceActivityRegion> DetectStreamingAsync(AudioData audio, VoiceActivityOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Gets a service the detector offers.</summary>
    /// <param name="serviceType">The type asked for.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <returns>The service, or <see langword="null"/>.</returns>
    object? GetService(Type serviceType, object? serviceKey = null);
}

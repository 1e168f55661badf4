namespace Multimodal.Sdk;

/// <summary>
/// Passes every call to an inner <see cref="ISpeechRecognizer"/>: derive from it to add caching, logging, telemetry
/// or voice activity detection around any recognizer.
/// </summary>
/// <remarks>Safe for concurrent use when the inner recognizer is and the derived class adds no unsynchronized state.</remarks>
public class DelegatingSpeechRecognizer : ISpeechRecognizer
{
    /// <summary>Wraps a recognizer.</summary>
    /// <param name="innerRecognizer">The recognizer calls go to.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerRecognizer"/> is <see langword="null"/>.</exception>
    protected DelegatingSpeechRecognizer(ISpeechRecognizer innerRecognizer)
    {
        ArgumentNullException.ThrowIfNull(innerRecognizer);
        InnerRecognizer = innerRecognizer;
    }

    /// <summary>Gets the recognizer calls go to.</summary>
    protected ISpeechRecognizer InnerRecognizer { get; }

    /// <inheritdoc/>
    public virtual Task<SpeechRecognitionResult> TranscribeAsync(AudioData audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default) =>
        InnerRecognizer.TranscribeAsync(audio, options, cancellationToken);

    /// <inheritdoc/>
    public virtual IAsyncEnumerable<SpeechSegment> TranscribeStreamingAsync(AudioData audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default) =>
        InnerRecognizer.TranscribeStreamingAsync(audio, options, cancellationToken);

    /// <inheritdoc/>
    public virtual Task<SpeechRecognitionResult> TranscribeAsync(Stream audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default) =>
        InnerRecognizer.TranscribeAsync(audio, options, cancellationToken);

    /// <inheritdoc/>
    public virtual IAsyncEnumerable<SpeechSegment> TranscribeStreamingAsync(Stream audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default) =>
        InnerRecognizer.TranscribeStreamingAsync(audio, options, cancellationToken);

    /// <inheritdoc/>
    public virtual Task<LanguageDetectionResult> DetectLanguageAsync(AudioData audio, CancellationToken cancellationToken = default) =>
        InnerRecognizer.DetectLanguageAsync(audio, cancellationToken);

    /// <inheritdoc/>
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : InnerRecognizer.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the inner recognizer.</summary>
    /// <param name="disposing">Whether this is called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            InnerRecognizer.Dispose();
        }
    }
}

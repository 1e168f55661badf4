namespace Multimodal.Sdk;

/// <summary>
/// A speech recognizer that runs a primary pipeline and turns to a secondary one when the primary fails (see
/// <see cref="FallbackOptions.ShouldFallBack"/>) or already runs <see cref="FallbackOptions.MaxPrimaryConcurrency"/> calls.
/// Local first and remote second, or the reverse: the order is the arguments'.
/// </summary>
/// <remarks>Safe for concurrent use when both pipelines are. Disposing it disposes both.</remarks>
public sealed class FallbackSpeechRecognizer : DelegatingSpeechRecognizer
{
    private readonly FallbackPolicy<ISpeechRecognizer> _policy;

    /// <summary>Combines two pipelines.</summary>
    /// <param name="primary">The pipeline tried first.</param>
    /// <param name="secondary">The pipeline used when the primary fails or is busy.</param>
    /// <param name="options">When to fall back; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="primary"/> or <paramref name="secondary"/> is <see langword="null"/>.</exception>
    public FallbackSpeechRecognizer(ISpeechRecognizer primary, ISpeechRecognizer secondary, FallbackOptions? options = null)
        : base(primary)
    {
        _policy = new FallbackPolicy<ISpeechRecognizer>(primary, secondary, options);
    }

    /// <summary>Gets how many calls went to the primary and to the secondary (diagnostics and tests).</summary>
    public (int Primary, int Secondary) Calls => (Volatile.Read(ref _policy.PrimaryCalls), Volatile.Read(ref _policy.SecondaryCalls));

    /// <inheritdoc/>
    public override Task<SpeechRecognitionResult> TranscribeAsync(AudioData audio, SpeechRecognitionOptions? options = null, CancellationToken cancellationToken = default) =>
        _policy.RunAsync(p => p.TranscribeAsync(audio, options, cancellationToken), cancellationToken);

    /// <inheritdoc/>
    public override Task<LanguageDetectionResult> DetectLanguageAsync(AudioData audio, CancellationToken cancellationToken = default) =>
        _policy.RunAsync(p => p.DetectLanguageAsync(audio, cancellationToken), cancellationToken);

    /// <inheritdoc/>
    /// <remarks>Streaming cannot switch pipelines once segments have been yielded: a primary that fails before its first segment falls back; one that fails later fails the stream.</remarks>
    public override async IAsyncEnumerable<SpeechSegment> TranscribeStreamingAsync(AudioData audio, SpeechRecognitionOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var first = await _policy.RunAsync(async p =>
        {
            var e = p.TranscribeStreamingAsync(audio, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                bool any = await e.MoveNextAsync().ConfigureAwait(false);
                return (Enumerator: e, Any: any);
            }
            catch
            {
                await e.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }, cancellationToken).ConfigureAwait(false);
        await using var enumerator = first.Enumerator;
        for (bool more = first.Any; more; more = await enumerator.MoveNextAsync().ConfigureAwait(false))
        {
            yield return enumerator.Current;
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _policy.Secondary.Dispose();
        }

        base.Dispose(disposing);
    }
}

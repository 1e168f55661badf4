namespace Multimodal.Sdk;

/// <summary>Wraps a pipeline with a fallback: <c>local.WithFallback(remote)</c>, or <c>remote.WithFallback(local)</c>.</summary>
public static class FallbackExtensions
{
    /// <summary>Runs <paramref name="primary"/> and turns to <paramref name="secondary"/> when it fails or is busy.</summary>
    /// <param name="primary">The pipeline tried first.</param>
    /// <param name="secondary">The pipeline used when the primary fails or is over <see cref="FallbackOptions.MaxPrimaryConcurrency"/>.</param>
    /// <param name="options">When to fall back; <see langword="null"/> for the defaults.</param>
    /// <returns>The combined pipeline; disposing it disposes both.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static FallbackImageCaptioner WithFallback(this IImageCaptioner primary, IImageCaptioner secondary, FallbackOptions? options = null) => new(primary, secondary, options);

    /// <summary>Runs <paramref name="primary"/> and turns to <paramref name="secondary"/> when it fails or is busy.</summary>
    /// <param name="primary">The pipeline tried first.</param>
    /// <param name="secondary">The pipeline used when the primary fails or is over <see cref="FallbackOptions.MaxPrimaryConcurrency"/>.</param>
    /// <param name="options">When to fall back; <see langword="null"/> for the defaults.</param>
    /// <returns>The combined pipeline; disposing it disposes both.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static FallbackVisualQa WithFallback(this IVisualQa primary, IVisualQa secondary, FallbackOptions? options = null) => new(primary, secondary, options);

    /// <summary>Runs <paramref name="primary"/> and turns to <paramref name="secondary"/> when it fails or is busy.</summary>
    /// <param name="primary">The pipeline tried first.</param>
    /// <param name="secondary">The pipeline used when the primary fails or is over <see cref="FallbackOptions.MaxPrimaryConcurrency"/>.</param>
    /// <param name="options">When to fall back; <see langword="null"/> for the defaults.</param>
    /// <returns>The combined pipeline; disposing it disposes both.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static FallbackSpeechRecognizer WithFallback(this ISpeechRecognizer primary, ISpeechRecognizer secondary, FallbackOptions? options = null) => new(primary, secondary, options);

    /// <summary>Runs <paramref name="primary"/> and turns to <paramref name="secondary"/> when it fails or is busy.</summary>
    /// <param name="primary">The pipeline tried first.</param>
    /// <param name="secondary">The pipeline used when the primary fails or is over <see cref="FallbackOptions.MaxPrimaryConcurrency"/>.</param>
    /// <param name="options">When to fall back; <see langword="null"/> for the defaults.</param>
    /// <returns>The combined pipeline; disposing it disposes both.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static FallbackClipEncoder WithFallback(this IClipEncoder primary, IClipEncoder secondary, FallbackOptions? options = null) => new(primary, secondary, options);
}

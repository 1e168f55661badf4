namespace Multimodal.Sdk;

/// <summary>
/// Upper bounds on the work one request may ask for, so that untrusted inputs and options (a server's callers) cannot
/// exhaust memory or time. A value over a limit raises <see cref="InputTooLargeException"/> (inputs) or
/// <see cref="ArgumentOutOfRangeException"/> (options) before any large buffer is allocated. The defaults suit a
/// desktop or batch job; a server should tighten them. Bound from configuration as <c>Multimodal:Limits</c>.
/// </summary>
/// <remarks>Mutable while the host is being configured; pipelines read it once when they are created.</remarks>
public sealed class InputLimits
{
    /// <summary>The default <see cref="MaxIntermediateBytes"/>: 256 MiB.</summary>
    public const long DefaultMaxIntermediateBytes = 256L * 1024 * 1024;

    /// <summary>The default <see cref="MaxNewTokens"/>: 4096.</summary>
    public const int DefaultMaxNewTokens = 4096;

    /// <summary>The default <see cref="MaxBeams"/>: 32.</summary>
    public const int DefaultMaxBeams = 32;

    /// <summary>The default <see cref="MaxReturnSequences"/>: 32.</summary>
    public const int DefaultMaxReturnSequences = 32;

    /// <summary>Gets the default <see cref="MaxAudioDuration"/>: 12 hours.</summary>
    public static TimeSpan DefaultMaxAudioDuration { get; } = TimeSpan.FromHours(12);

    /// <summary>Gets the default <see cref="MaxVideoDuration"/>: 12 hours.</summary>
    public static TimeSpan DefaultMaxVideoDuration { get; } = TimeSpan.FromHours(12);

    /// <summary>
    /// Gets or sets the most bytes preprocessing may hold for one image besides the decoded pixels: the resampler's
    /// intermediate rows and filter weights, and the output tensor. An image whose resize would need more (a
    /// 1 x 10,000,000 strip shrunk to a square) raises <see cref="InputTooLargeException"/>.
    /// </summary>
    public long MaxIntermediateBytes { get; set; } = DefaultMaxIntermediateBytes;

    /// <summary>Gets or sets the longest audio a pipeline accepts; longer inputs raise <see cref="InputTooLargeException"/> (audio loaded whole is also capped by the largest .NET array).</summary>
    public TimeSpan MaxAudioDuration { get; set; } = DefaultMaxAudioDuration;

    /// <summary>Gets or sets the longest video a pipeline accepts (by its container's duration); longer inputs raise <see cref="InputTooLargeException"/> before any frame is decoded.</summary>
    public TimeSpan MaxVideoDuration { get; set; } = DefaultMaxVideoDuration;

    /// <summary>Gets or sets the largest <see cref="GenerationOptions.MaxNewTokens"/> a call may ask for (the model's context caps it further).</summary>
    public int MaxNewTokens { get; set; } = DefaultMaxNewTokens;

    /// <summary>Gets or sets the largest <see cref="GenerationOptions.NumBeams"/> a call may ask for.</summary>
    public int MaxBeams { get; set; } = DefaultMaxBeams;

    /// <summary>Gets or sets the largest <see cref="GenerationOptions.NumReturnSequences"/> (beams kept, or samples drawn) a call may ask for.</summary>
    public int MaxReturnSequences { get; set; } = DefaultMaxReturnSequences;

    /// <summary>Creates a copy.</summary>
    /// <returns>The copy.</returns>
    public InputLimits Clone() => (InputLimits)MemberwiseClone();
}

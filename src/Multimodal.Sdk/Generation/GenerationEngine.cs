using System.Runtime.CompilerServices;

namespace Multimodal.Sdk;

/// <summary>
/// The one decoder loop every generating pipeline calls (captioning, visual QA, vision chat, Whisper): picks
/// greedy, sampling or beam search from the settings and runs it on an <see cref="IDecoder"/>.
/// </summary>
/// <remarks>
/// Safe for concurrent use: each call has its own state. Decoding is CPU- or GPU-bound work on ONNX Runtime, so
/// the asynchronous methods run it on the thread pool rather than on the caller's context.
/// </remarks>
internal static class GenerationEngine
{
    /// <summary>Generates for every input of the request.</summary>
    /// <exception cref="ArgumentException">The request or settings are invalid (a message says which).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (checked every step).</exception>
    /// <exception cref="MultimodalException">ONNX Runtime failed.</exception>
    public static GenerationResult Generate(IDecoder decoder, GenerationRequest request, GenerationSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.NumBeams > 1)
        {
            using var beam = new BeamSearch(decoder, request, settings);
            return beam.Run(cancellationToken);
        }

        using var search = new SamplingSearch(decoder, request, settings);
        while (search.Step(cancellationToken))
        {
        }

        return search.Result();
    }

    /// <inheritdoc cref="Generate"/>
    public static Task<GenerationResult> GenerateAsync(IDecoder decoder, GenerationRequest request, GenerationSettings settings, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.Run(() => Generate(decoder, request, settings, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Streams tokens as they are chosen, step after step (greedy or sampling; beam search only knows its answer at
    /// the end, as in Hugging Face). Each step yields one token per row still running, in row order.
    /// </summary>
    /// <exception cref="ArgumentException">Beam search was asked for, or the request or settings are invalid.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (checked every step).</exception>
    public static async IAsyncEnumerable<GeneratedToken> StreamAsync(
        IDecoder decoder,
        GenerationRequest request,
        GenerationSettings settings,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.NumBeams > 1)
        {
            throw new ArgumentException("Streaming works with greedy decoding and sampling; beam search returns its sequences at the end.", nameof(settings));
        }

        using var search = new SamplingSearch(decoder, request, settings);
        Func<bool> step = () => search.Step(cancellationToken);
        while (await Task.Run(step, cancellationToken).ConfigureAwait(false))
        {
            for (int i = 0; i < search.EmittedCount; i++)
            {
                yield return search.Emitted(i);
            }
        }
    }
}

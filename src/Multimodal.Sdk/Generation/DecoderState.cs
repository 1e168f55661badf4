using System.Buffers;
using Microsoft.ML.OnnxRuntime;

namespace Multimodal.Sdk;

/// <summary>
/// The per-call state of a decoder: the key/value caches by past-input name, the encoder output, the past
/// length and the logits buffer, which is rented once and reused by every step.
/// </summary>
/// <remarks>Not safe for concurrent use; owned by one generation call, which disposes it.</remarks>
internal sealed class DecoderState : IDisposable
{
    private readonly Dictionary<string, OrtValue> _caches = new(StringComparer.Ordinal);
    private readonly HashSet<string> _frozen = new(StringComparer.Ordinal);
    private float[]? _logits;
    private long[] _ones = [];
    private readonly bool _ownsEncoderHiddenStates;
    private bool _disposed;

    /// <summary>Gets or sets the token that stops a running decoder step (set by the search before each step).</summary>
    public CancellationToken Cancellation { get; set; }

    public DecoderState(int rows, OrtValue? encoderHiddenStates, bool ownsEncoderHiddenStates)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        Rows = rows;
        EncoderHiddenStates = encoderHiddenStates;
        _ownsEncoderHiddenStates = ownsEncoderHiddenStates;
    }

    /// <summary>Gets the number of sequences decoded together.</summary>
    public int Rows { get; }

    /// <summary>Gets how many positions the caches hold.</summary>
    public int PastLength { get; internal set; }

    /// <summary>Gets whether no step has run yet (the next one feeds the prompt with empty caches).</summary>
    public bool IsFirstStep => PastLength == 0;

    /// <summary>Gets the encoder output, one row per sequence.</summary>
    public OrtValue? EncoderHiddenStates { get; }

    /// <summary>Gets the vocabulary size, known after the first step.</summary>
    public int VocabSize { get; private set; }

    /// <summary>Gets the cache for a past input, or <see langword="null"/> before the first step.</summary>
    public OrtValue? GetCache(string pastName) => _caches.GetValueOrDefault(pastName);

    /// <summary>Gets whether a cache was produced once and is reused unchanged (Whisper's cross-attention cache).</summary>
    public bool IsFrozen(string pastName) => _frozen.Contains(pastName);

    /// <summary>Replaces a cache, disposing the old one; a frozen cache keeps its first value.</summary>
    public void SetCache(string pastName, OrtValue value, bool freeze)
    {
        if (_caches.Remove(pastName, out var old) && !ReferenceEquals(old, value))
        {
            old.Dispose();
        }

        _caches[pastName] = value;
        if (freeze)
        {
            _frozen.Add(pastName);
        }
    }

    /// <summary>
    /// Reorders the rows of every growing cache: row i takes row <paramref name="sourceRows"/>[i] (beam search picks
    /// its next beams from any current beam of the same input). Frozen caches are identical across the beams of an
    /// input, so they stay as they are.
    /// </summary>
    public void ReorderRows(ReadOnlySpan<int> sourceRows)
    {
        bool identity = true;
        for (int i = 0; i < sourceRows.Length; i++)
        {
            identity &= sourceRows[i] == i;
        }

        if (identity)
        {
            return;
        }

        foreach (var name in _caches.Keys.ToArray())
        {
            if (_frozen.Contains(name))
            {
                continue;
            }

            var reordered = OrtTensors.GatherRows(_caches[name], sourceRows);
            SetCache(name, reordered, freeze: false);
        }
    }

    /// <summary>Gets the logits buffer (rows x vocabulary), rented on first use and kept for the whole call.</summary>
    public Span<float> LogitsBuffer(int vocabSize)
    {
        if (_logits is null || VocabSize != vocabSize)
        {
            if (_logits is not null)
            {
                ArrayPool<float>.Shared.Return(_logits);
            }

            _logits = ArrayPool<float>.Shared.Rent(Rows * vocabSize);
            VocabSize = vocabSize;
        }

        return _logits.AsSpan(0, Rows * vocabSize);
    }

    /// <summary>Gets <paramref name="count"/> ones (attention masks), from a buffer that grows by doubling.</summary>
    public Memory<long> Ones(int count)
    {
        if (_ones.Length < count)
        {
            _ones = new long[Math.Max(count, _ones.Length * 2)];
            _ones.AsSpan().Fill(1);
        }

        return _ones.AsMemory(0, count);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var v in _caches.Values)
        {
            v.Dispose();
        }

        _caches.Clear();
        if (_ownsEncoderHiddenStates)
        {
            EncoderHiddenStates?.Dispose();
        }
        if (_logits is not null)
        {
            ArrayPool<float>.Shared.Return(_logits);
            _logits = null;
        }
    }
}

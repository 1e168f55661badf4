namespace Multimodal.Sdk;

/// <summary>
/// Token ids and attention mask of a batch, row-major <c>[BatchSize, SequenceLength]</c> as <see cref="long"/> so they
/// go to ONNX Runtime's int64 <c>input_ids</c> / <c>attention_mask</c> without a copy.
/// </summary>
/// <remarks>A plain result; not synchronized.</remarks>
internal sealed class TokenizedBatch
{
    public TokenizedBatch(long[] inputIds, long[] attentionMask, int batchSize, int sequenceLength)
    {
        InputIds = inputIds;
        AttentionMask = attentionMask;
        BatchSize = batchSize;
        SequenceLength = sequenceLength;
    }

    public long[] InputIds { get; }

    public long[] AttentionMask { get; }

    public int BatchSize { get; }

    public int SequenceLength { get; }

    /// <summary>Gets the ONNX shape <c>[BatchSize, SequenceLength]</c>.</summary>
    public long[] Shape => [BatchSize, SequenceLength];

    /// <summary>Gets row <paramref name="index"/> of the ids.</summary>
    public ReadOnlySpan<long> Row(int index) => InputIds.AsSpan(index * SequenceLength, SequenceLength);
}

/// <summary>Which end of a row gets the padding.</summary>
internal enum PaddingSide
{
    Right,
    Left,
}

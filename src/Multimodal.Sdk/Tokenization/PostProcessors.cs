namespace Multimodal.Sdk;

/// <summary>Adds the special tokens a model expects around its sequence(s): [CLS] ... [SEP], &lt;s&gt; ... &lt;/s&gt;, bos/eos.</summary>
/// <remarks>Implementations are immutable and safe for concurrent use.</remarks>
internal interface IPostProcessor
{
    /// <summary>Gets how many tokens <see cref="Process"/> adds, so truncation can leave room for them.</summary>
    int AddedTokenCount(bool pair);

    /// <summary>Builds the final ids from the encoded sequence(s).</summary>
    List<int> Process(List<int> first, List<int>? second);
}

/// <summary>One element of a template: a special token's ids or one of the sequences.</summary>
internal readonly record struct TemplatePiece(int[]? SpecialIds, bool IsSecondSequence);

/// <summary><c>TemplateProcessing</c>: the <c>single</c> and <c>pair</c> templates, e.g. <c>[CLS] $A [SEP]</c>.</summary>
internal sealed class TemplateProcessor(IReadOnlyList<TemplatePiece> single, IReadOnlyList<TemplatePiece> pair) : IPostProcessor
{
    public int AddedTokenCount(bool isPair) => (isPair ? pair : single).Sum(p => p.SpecialIds?.Length ?? 0);

    public List<int> Process(List<int> first, List<int>? second)
    {
        var result = new List<int>(first.Count + (second?.Count ?? 0) + 4);
        foreach (var piece in second is null ? single : pair)
        {
            if (piece.SpecialIds is { } ids)
            {
                result.AddRange(ids);
            }
            else
            {
                result.AddRange(piece.IsSecondSequence ? second ?? [] : first);
            }
        }

        return result;
    }
}

/// <summary>
/// <c>BertProcessing</c> (<c>[CLS] A [SEP] B [SEP]</c>) and <c>RobertaProcessing</c> (<c>&lt;s&gt; A &lt;/s&gt; &lt;/s&gt; B &lt;/s&gt;</c>),
/// which differ only in the separator between a pair.
/// </summary>
internal sealed class ClsSepProcessor(int clsId, int sepId, bool doubleSeparator) : IPostProcessor
{
    public int AddedTokenCount(bool pair) => pair ? (doubleSeparator ? 4 : 3) : 2;

    public List<int> Process(List<int> first, List<int>? second)
    {
        var result = new List<int>(first.Count + (second?.Count ?? 0) + 4) { clsId };
        result.AddRange(first);
        result.Add(sepId);
        if (second is not null)
        {
            if (doubleSeparator)
            {
                result.Add(sepId);
            }

            result.AddRange(second);
            result.Add(sepId);
        }

        return result;
    }
}

/// <summary>Processors that change no ids (<c>ByteLevel</c> only trims offsets, which are not tracked here).</summary>
internal sealed class IdentityProcessor : IPostProcessor
{
    public int AddedTokenCount(bool pair) => 0;

    public List<int> Process(List<int> first, List<int>? second)
    {
        if (second is null)
        {
            return first;
        }

        var result = new List<int>(first);
        result.AddRange(second);
        return result;
    }
}

/// <summary><c>Sequence</c>: processors applied in turn; the first that adds tokens decides the pair layout.</summary>
internal sealed class SequenceProcessor(IReadOnlyList<IPostProcessor> steps) : IPostProcessor
{
    public int AddedTokenCount(bool pair) => steps.Sum(s => s.AddedTokenCount(pair));

    public List<int> Process(List<int> first, List<int>? second)
    {
        // Only one step in a real sequence adds tokens (ByteLevel + Template); the rest pass ids through.
        foreach (var step in steps)
        {
            if (step.AddedTokenCount(second is not null) > 0)
            {
                return step.Process(first, second);
            }
        }

        return new IdentityProcessor().Process(first, second);
    }
}

using System.Buffers;

namespace Multimodal.Sdk;

/// <summary>
/// Greedy decoding and sampling, one step at a time so the same loop serves the blocking call and streaming.
/// Every row is an input times a returned sequence; a row that met an eos token is fed the pad token while the
/// others go on, as Hugging Face does.
/// </summary>
/// <remarks>Not safe for concurrent use; one per call.</remarks>
internal sealed class SamplingSearch : IDisposable
{
    private readonly IDecoder _decoder;
    private readonly GenerationSettings _settings;
    private readonly DecodeRows _rows;
    private readonly TokenSampler? _sampler;
    private readonly bool[] _finished;
    private readonly double[] _sumLogProb;
    private readonly int[] _next;
    private readonly GeneratedToken[] _emitted;
    private float[]? _scratch;
    private float[]? _sortScratch;
    private int _step;
    private bool _done;

    public SamplingSearch(IDecoder decoder, GenerationRequest request, GenerationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.NumBeams > 1)
        {
            throw new ArgumentException("Greedy decoding and sampling take NumBeams = 1; use beam search for more.", nameof(settings));
        }

        _decoder = decoder;
        _settings = settings;
        _rows = new DecodeRows(decoder, request, settings, settings.NumReturnSequences);
        _sampler = settings.DoSample ? new TokenSampler(settings.Temperature, settings.TopK, settings.TopP, settings.Seed) : null;
        _finished = new bool[_rows.Rows];
        _sumLogProb = new double[_rows.Rows];
        _next = new int[_rows.Rows];
        _emitted = new GeneratedToken[_rows.Rows];
    }

    /// <summary>Gets how many tokens the last step produced (one per row still running).</summary>
    public int EmittedCount { get; private set; }

    /// <summary>Gets a token of the last step.</summary>
    public GeneratedToken Emitted(int index) => _emitted[index];

    /// <summary>Runs one decoder step and picks one token per running row.</summary>
    /// <returns><see langword="false"/> once every row has finished (nothing ran).</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public bool Step(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        EmittedCount = 0;
        if (_done)
        {
            return false;
        }

        var state = _rows.State;
        state.Cancellation = cancellationToken;
        Span<float> logits;
        if (state.IsFirstStep)
        {
            logits = _decoder.Step(state, _rows.PromptEmbeddings is null ? _rows.PromptIds() : [], _rows.PromptStepLength, _rows.PromptEmbeddings);
        }
        else
        {
            for (int r = 0; r < _rows.Rows; r++)
            {
                _next[r] = _finished[r] ? _settings.PadTokenId : _rows.Sequence(r)[^1];
            }

            logits = _decoder.Step(state, _next, 1);
        }

        int vocab = state.VocabSize;
        EnsureScratch(vocab);
        for (int r = 0; r < _rows.Rows; r++)
        {
            if (_finished[r])
            {
                continue;
            }

            var row = logits.Slice(r * vocab, vocab);
            _rows.Process(r, row);
            int token = _sampler is null ? LogitsMath.ArgMax(row) : _sampler.Sample(row, _scratch, _sortScratch);

            // Scores are log-probabilities after the processors, before temperature and top-k/p (openai/whisper's too).
            float logProb = row[token] - LogitsMath.LogSumExp(row, _scratch);
            _rows.Tokens[(r * _rows.Capacity) + _rows.Lengths[r]] = token;
            _rows.Lengths[r]++;
            _sumLogProb[r] += logProb;
            bool eos = _rows.IsEos(token);
            _finished[r] = eos;
            _emitted[EmittedCount++] = new GeneratedToken(r / _rows.PerInput, r % _rows.PerInput, token, logProb, _step, eos);
        }

        _step++;
        _done = _step >= _settings.MaxNewTokens || Array.TrueForAll(_finished, f => f);
        return true;
    }

    /// <summary>Gets the sequences generated so far, per input in row order.</summary>
    public GenerationResult Result()
    {
        var perInput = new List<IReadOnlyList<GeneratedSequence>>(_rows.Inputs);
        for (int i = 0; i < _rows.Inputs; i++)
        {
            var list = new List<GeneratedSequence>(_rows.PerInput);
            for (int k = 0; k < _rows.PerInput; k++)
            {
                int r = (i * _rows.PerInput) + k;
                int[] generated = _rows.Sequence(r)[_rows.PromptLength..].ToArray();
                list.Add(new GeneratedSequence(generated, _sumLogProb[r], _sumLogProb[r], _finished[r]));
            }

            perInput.Add(list);
        }

        return new GenerationResult(perInput);
    }

    public void Dispose()
    {
        _rows.Dispose();
        if (_scratch is not null)
        {
            ArrayPool<float>.Shared.Return(_scratch);
            _scratch = null;
        }

        if (_sortScratch is not null)
        {
            ArrayPool<float>.Shared.Return(_sortScratch);
            _sortScratch = null;
        }
    }

    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(_scratch), nameof(_sortScratch))]
    private void EnsureScratch(int vocab)
    {
        // Rented once per call (the vocabulary is fixed after the first step), never per step.
        if (_scratch is null || _scratch.Length < vocab)
        {
            if (_scratch is not null)
            {
                ArrayPool<float>.Shared.Return(_scratch);
            }

            _scratch = ArrayPool<float>.Shared.Rent(vocab);
        }

        if (_sortScratch is null || _sortScratch.Length < vocab)
        {
            if (_sortScratch is not null)
            {
                ArrayPool<float>.Shared.Return(_sortScratch);
            }

            _sortScratch = ArrayPool<float>.Shared.Rent(vocab);
        }
    }
}

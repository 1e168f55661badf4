using System.Buffers;

namespace Multimodal.Sdk;

/// <summary>
/// Beam search with Hugging Face's semantics: every beam of every input runs in one decoder call; scores are
/// log-softmax then the logits processors, added to the beam's sum; each input keeps the best
/// <c>max(2, 1 + eos count) * num_beams</c> candidates, an eos candidate among the first <c>num_beams</c> ends a
/// hypothesis, the others continue; the caches are reordered by the chosen source beams after every step.
/// </summary>
/// <remarks>Not safe for concurrent use; one per call.</remarks>
internal sealed class BeamSearch : IDisposable
{
    private readonly IDecoder _decoder;
    private readonly GenerationSettings _settings;
    private readonly DecodeRows _rows;
    private readonly int _beams;
    private readonly BeamHypotheses[] _hypotheses;
    private readonly bool[] _done;
    private readonly double[] _beamScores;
    private readonly int _keep;
    private readonly double[] _candScore;
    private readonly int[] _candRow;
    private readonly int[] _candToken;
    private readonly int[] _nextRow;
    private readonly int[] _nextToken;
    private readonly double[] _nextScore;
    private readonly int[] _spareTokens;
    private readonly int[] _hypothesis;
    private float[]? _scratch;

    public BeamSearch(IDecoder decoder, GenerationRequest request, GenerationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _decoder = decoder;
        _settings = settings;
        _beams = settings.NumBeams;
        _rows = new DecodeRows(decoder, request, settings, _beams);
        int rows = _rows.Rows;
        _hypotheses = new BeamHypotheses[_rows.Inputs];
        for (int i = 0; i < _hypotheses.Length; i++)
        {
            _hypotheses[i] = new BeamHypotheses(_beams, settings.LengthPenalty, settings.EarlyStopping);
        }

        _done = new bool[_rows.Inputs];
        _beamScores = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            // Only the first beam of each input is live at the start, so the first step does not pick the same token once per beam.
            _beamScores[r] = r % _beams == 0 ? 0 : -1e9;
        }

        _keep = Math.Max(2, 1 + settings.EosTokenIds.Count) * _beams;
        _candScore = new double[_keep];
        _candRow = new int[_keep];
        _candToken = new int[_keep];
        _nextRow = new int[rows];
        _nextToken = new int[rows];
        _nextScore = new double[rows];
        _spareTokens = new int[_rows.Tokens.Length];
        _hypothesis = new int[settings.MaxNewTokens];
    }

    /// <summary>Runs the search to the end.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (checked every step).</exception>
    public GenerationResult Run(CancellationToken cancellationToken)
    {
        var state = _rows.State;
        state.Cancellation = cancellationToken;
        int rows = _rows.Rows;
        int generated = 0;
        while (generated < _settings.MaxNewTokens)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var logits = state.IsFirstStep
                ? _decoder.Step(state, _rows.PromptEmbeddings is null ? _rows.PromptIds() : [], _rows.PromptStepLength, _rows.PromptEmbeddings)
                : _decoder.Step(state, _nextToken, 1);
            int vocab = state.VocabSize;
            if (_scratch is null || _scratch.Length < vocab)
            {
                if (_scratch is not null)
                {
                    ArrayPool<float>.Shared.Return(_scratch);
                }

                _scratch = ArrayPool<float>.Shared.Rent(vocab);
            }

            for (int r = 0; r < rows; r++)
            {
                if (!_done[r / _beams])
                {
                    var row = logits.Slice(r * vocab, vocab);
                    LogitsMath.LogSoftmaxInPlace(row, _scratch);
                    _rows.Process(r, row);
                }
            }

            int length = generated + 1;
            for (int input = 0; input < _rows.Inputs; input++)
            {
                SelectBeams(input, logits, vocab, length);
            }

            generated = length;
            bool allDone = Array.TrueForAll(_done, d => d);
            AdvanceRows();
            if (allDone)
            {
                break;
            }

            if (generated < _settings.MaxNewTokens)
            {
                state.ReorderRows(_nextRow);
            }
        }

        var results = new List<IReadOnlyList<GeneratedSequence>>(_rows.Inputs);
        for (int input = 0; input < _rows.Inputs; input++)
        {
            if (!_done[input])
            {
                for (int b = 0; b < _beams; b++)
                {
                    int r = (input * _beams) + b;
                    _hypotheses[input].Add(_rows.Sequence(r)[_rows.PromptLength..], _beamScores[r], endedWithEos: false);
                }
            }

            results.Add(_hypotheses[input].Best(_settings.NumReturnSequences));
        }

        return new GenerationResult(results);
    }

    public void Dispose()
    {
        _rows.Dispose();
        if (_scratch is not null)
        {
            ArrayPool<float>.Shared.Return(_scratch);
            _scratch = null;
        }
    }

    private void SelectBeams(int input, Span<float> logits, int vocab, int length)
    {
        int first = input * _beams;
        if (_done[input])
        {
            for (int b = 0; b < _beams; b++)
            {
                _nextRow[first + b] = first + b;
                _nextToken[first + b] = _settings.PadTokenId;
                _nextScore[first + b] = 0;
            }

            return;
        }

        // The best candidates over beams x vocabulary, kept sorted; a later equal score never displaces an earlier one.
        int count = 0;
        for (int b = 0; b < _beams; b++)
        {
            int r = first + b;
            double beamScore = _beamScores[r];
            var row = logits.Slice(r * vocab, vocab);
            for (int t = 0; t < vocab; t++)
            {
                double s = row[t] + beamScore;
                if (count == _keep && !(s > _candScore[count - 1]))
                {
                    continue;
                }

                int at = count == _keep ? count - 1 : count++;
                while (at > 0 && s > _candScore[at - 1])
                {
                    _candScore[at] = _candScore[at - 1];
                    _candRow[at] = _candRow[at - 1];
                    _candToken[at] = _candToken[at - 1];
                    at--;
                }

                _candScore[at] = s;
                _candRow[at] = r;
                _candToken[at] = t;
            }
        }

        int chosen = 0;
        for (int rank = 0; rank < count && chosen < _beams; rank++)
        {
            int token = _candToken[rank];
            int source = _candRow[rank];
            if (_rows.IsEos(token))
            {
                if (rank >= _beams)
                {
                    continue;
                }

                // The hypothesis keeps its eos token: it counts in the length and ends the returned sequence.
                var seq = _rows.Sequence(source)[_rows.PromptLength..];
                var withEos = _hypothesis.AsSpan(0, length);
                seq.CopyTo(withEos);
                withEos[^1] = token;
                _hypotheses[input].Add(withEos, _candScore[rank], endedWithEos: true);
            }
            else
            {
                _nextRow[first + chosen] = source;
                _nextToken[first + chosen] = token;
                _nextScore[first + chosen] = _candScore[rank];
                chosen++;
            }
        }

        for (; chosen < _beams; chosen++)
        {
            // Only when nearly every token is banned: dead beams that can never win.
            _nextRow[first + chosen] = first;
            _nextToken[first + chosen] = _settings.PadTokenId;
            _nextScore[first + chosen] = double.NegativeInfinity;
        }

        _done[input] = _hypotheses[input].IsDone(_candScore[0], length);
    }

    private void AdvanceRows()
    {
        // Row i continues the sequence of row _nextRow[i] with _nextToken[i].
        int cap = _rows.Capacity;
        var tokens = _rows.Tokens;
        for (int r = 0; r < _rows.Rows; r++)
        {
            int source = _nextRow[r];
            int len = _rows.Lengths[source];
            tokens.AsSpan(source * cap, len).CopyTo(_spareTokens.AsSpan(r * cap));
            _spareTokens[(r * cap) + len] = _nextToken[r];
            _beamScores[r] = _nextScore[r];
        }

        _spareTokens.AsSpan().CopyTo(tokens);
        for (int r = 0; r < _rows.Rows; r++)
        {
            _rows.Lengths[r]++;
        }
    }
}

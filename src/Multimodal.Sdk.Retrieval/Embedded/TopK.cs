namespace Multimodal.Sdk;

/// <summary>
/// The best <c>k</c> (score, row) pairs seen so far, as a bounded min-heap: the root is the worst kept, so a scan
/// compares each score with one number and touches the heap only for the few that beat it. Among equal scores the
/// lower row (earlier insertion) ranks higher.
/// </summary>
internal sealed class TopK
{
    private readonly float[] _scores;
    private readonly int[] _rows;

    public TopK(int k)
    {
        _scores = new float[k];
        _rows = new int[k];
    }

    public int Count { get; private set; }

    /// <summary>Gets the score a new row must beat (ties lose, as later rows come later), or -inf while not full.</summary>
    public float Threshold => Count < _scores.Length ? float.NegativeInfinity : _scores[0];

    public void Clear() => Count = 0;

    /// <summary>Offers a row; rows are offered in increasing order within a scan, so an equal score never displaces.</summary>
    public void Offer(float score, int row)
    {
        if (Count < _scores.Length)
        {
            int i = Count++;
            _scores[i] = score;
            _rows[i] = row;
            SiftUp(i);
        }
        else if (Worse(_scores[0], _rows[0], score, row))
        {
            _scores[0] = score;
            _rows[0] = row;
            SiftDown(0);
        }
    }

    /// <summary>Gets the kept pairs, best first.</summary>
    public (float Score, int Row)[] ToSorted()
    {
        var result = new (float Score, int Row)[Count];
        for (int i = 0; i < Count; i++)
        {
            result[i] = (_scores[i], _rows[i]);
        }

        Array.Sort(result, static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Row.CompareTo(b.Row));
        return result;
    }

    // Whether (sa, ra) ranks below (sb, rb).
    private static bool Worse(float sa, int ra, float sb, int rb) => sa < sb || (sa == sb && ra > rb);

    private void SiftUp(int i)
    {
        while (i > 0)
        {
            int parent = (i - 1) / 2;
            if (!Worse(_scores[i], _rows[i], _scores[parent], _rows[parent]))
            {
                break;
            }

            Swap(i, parent);
            i = parent;
        }
    }

    private void SiftDown(int i)
    {
        while (true)
        {
            int l = (2 * i) + 1, r = l + 1, worst = i;
            if (l < Count && Worse(_scores[l], _rows[l], _scores[worst], _rows[worst]))
            {
                worst = l;
            }

            if (r < Count && Worse(_scores[r], _rows[r], _scores[worst], _rows[worst]))
            {
                worst = r;
            }

            if (worst == i)
            {
                return;
            }

            Swap(i, worst);
            i = worst;
        }
    }

    private void Swap(int a, int b)
    {
        (_scores[a], _scores[b]) = (_scores[b], _scores[a]);
        (_rows[a], _rows[b]) = (_rows[b], _rows[a]);
    }
}

namespace Multimodal.Sdk;

/// <summary>
/// METEOR 1.5's aligner (<c>edu.cmu.meteor.aligner.Aligner</c>) for single-word matches: exact, stem and synonym
/// stages collect every candidate match, unambiguous one-to-one matches are fixed, and a beam search (width 40) picks
/// the rest with METEOR's PARTIAL_COMPARE_TOTAL ordering. The search is a line-for-line port, including the integer
/// truncation of the weighted match totals and the distance bookkeeping, so that it picks the same alignment.
/// </summary>
internal sealed class MeteorAligner
{
    public const int Exact = 0;
    public const int Stem = 1;
    public const int Synonym = 2;
    public const int ModuleCount = 3;
    private const int BeamSize = 40;

    // MeteorScorer.loadConfiguration resets the aligner's weights to exact 1.0, every other module 0.5.
    private static readonly double[] SearchWeights = [1.0, 0.5, 0.5];

    private readonly WordNetSynonyms? synonyms;

    public MeteorAligner(WordNetSynonyms? synonyms) => this.synonyms = synonyms;

    /// <summary>Aligns test (hypothesis) words to reference words; matches are indexed by reference position.</summary>
    public Match?[] Align(string[] test, string[] reference)
    {
        var candidates = new List<Match>[reference.Length];
        for (int j = 0; j < reference.Length; j++)
        {
            candidates[j] = [];
        }

        var testCoverage = new int[test.Length];
        var refCoverage = new int[reference.Length];
        void Add(int module, int i, int j)
        {
            candidates[j].Add(new Match(module, j, i));
            testCoverage[i]++;
            refCoverage[j]++;
        }

        bool identical = test.AsSpan().SequenceEqual(reference);
        for (int j = 0; j < reference.Length; j++)
        {
            for (int i = 0; i < test.Length; i++)
            {
                if (test[i] == reference[j])
                {
                    Add(Exact, i, j);
                }
            }
        }

        if (!identical)
        {
            var testStems = test.Select(EnglishStemmer.Stem).ToArray();
            var refStems = reference.Select(EnglishStemmer.Stem).ToArray();
            for (int j = 0; j < reference.Length; j++)
            {
                for (int i = 0; i < test.Length; i++)
                {
                    if (testStems[i] == refStems[j] && test[i] != reference[j])
                    {
                        Add(Stem, i, j);
                    }
                }
            }

            if (synonyms is not null)
            {
                var testSyn = test.Select(synonyms.SynsetsWithBases).ToArray();
                var refSyn = reference.Select(synonyms.SynsetsWithBases).ToArray();
                for (int j = 0; j < reference.Length; j++)
                {
                    for (int i = 0; i < test.Length; i++)
                    {
                        if (testSyn[i].Overlaps(refSyn[j]) && test[i] != reference[j])
                        {
                            Add(Synonym, i, j);
                        }
                    }
                }
            }
        }

        var start = new PartialAlignment(reference.Length, test.Length);
        for (int j = 0; j < reference.Length; j++)
        {
            if (candidates[j].Count == 1)
            {
                var m = candidates[j][0];
                if (refCoverage[j] == 1 && testCoverage[m.TestIndex] == 1)
                {
                    start.Matches[j] = m;
                    start.RefUsed[j] = true;
                    start.TestUsed[m.TestIndex] = true;
                }
            }
        }

        return Resolve(candidates, start).Matches;
    }

    private static PartialAlignment Resolve(List<Match>[] candidates, PartialAlignment start)
    {
        List<PartialAlignment> paths;
        var nextPaths = new List<PartialAlignment> { start };
        for (int current = 0; current <= candidates.Length; current++)
        {
            paths = nextPaths;
            nextPaths = [];
            StableSort(paths);
            for (int rank = 0; rank < BeamSize && rank < paths.Count; rank++)
            {
                var path = paths[rank];
                if (current == candidates.Length)
                {
                    if (path.LastMatchEnd != -1)
                    {
                        path.Chunks++;
                    }

                    nextPaths.Add(path);
                    continue;
                }

                if (path.RefUsed[current])
                {
                    if (current < path.Index)
                    {
                        nextPaths.Add(path);
                    }
                    else if (path.Matches[path.Index] is { } fixedMatch)
                    {
                        path.MatchCount++;
                        path.Matches1 = (int)(path.Matches1 + SearchWeights[fixedMatch.Module]);
                        path.Matches2 = (int)(path.Matches2 + SearchWeights[fixedMatch.Module]);
                        if (path.LastMatchEnd != -1 && fixedMatch.TestIndex != path.LastMatchEnd)
                        {
                            path.Chunks++;
                        }

                        path.Index = fixedMatch.RefIndex + 1;
                        path.LastMatchEnd = fixedMatch.TestIndex + 1;
                        path.Distance += Math.Abs(fixedMatch.RefIndex - fixedMatch.TestIndex);
                        nextPaths.Add(path);
                    }

                    continue;
                }

                foreach (var m in candidates[current])
                {
                    if (path.TestUsed[m.TestIndex] || path.RefUsed[m.RefIndex])
                    {
                        continue;
                    }

                    var newPath = path.Clone();
                    newPath.TestUsed[m.TestIndex] = true;
                    newPath.RefUsed[m.RefIndex] = true;
                    newPath.Matches[current] = m;
                    newPath.MatchCount++;
                    newPath.Matches1 = (int)(newPath.Matches1 + SearchWeights[m.Module]);
                    newPath.Matches2 = (int)(newPath.Matches2 + SearchWeights[m.Module]);
                    if (newPath.LastMatchEnd != -1 && m.TestIndex != newPath.LastMatchEnd)
                    {
                        newPath.Chunks++;
                    }

                    newPath.Index = m.RefIndex + 1;
                    newPath.LastMatchEnd = m.TestIndex + 1;

                    // As in METEOR 1.5: the distance is added to the path being extended, not to the new one.
                    path.Distance += Math.Abs(m.RefIndex - m.TestIndex);
                    nextPaths.Add(newPath);
                }

                if (path.LastMatchEnd != -1)
                {
                    path.Chunks++;
                    path.LastMatchEnd = -1;
                }

                path.Index++;
                nextPaths.Add(path);
            }

            if (nextPaths.Count == 0)
            {
                nextPaths.Add(paths[0]);
            }
        }

        StableSort(nextPaths);
        return nextPaths[0];
    }

    // Java's Collections.sort is stable; List.Sort is not.
    private static void StableSort(List<PartialAlignment> paths)
    {
        var sorted = paths.Select((p, i) => (p, i)).OrderBy(x => x.p, Comparer<PartialAlignment>.Create(Compare)).ThenBy(x => x.i).Select(x => x.p).ToList();
        paths.Clear();
        paths.AddRange(sorted);
    }

    // PARTIAL_COMPARE_TOTAL: more (truncated) weighted matches, then fewer chunks, then smaller distance.
    private static int Compare(PartialAlignment x, PartialAlignment y)
    {
        int matchDiff = (y.Matches1 + y.Matches2) - (x.Matches1 + x.Matches2);
        if (matchDiff != 0)
        {
            return matchDiff > 0 ? 1 : -1;
        }

        int chunkDiff = x.Chunks - y.Chunks;
        return chunkDiff != 0 ? chunkDiff : x.Distance - y.Distance;
    }

    internal sealed record Match(int Module, int RefIndex, int TestIndex);

    private sealed class PartialAlignment
    {
        public PartialAlignment(int refLength, int testLength)
        {
            Matches = new Match?[refLength];
            RefUsed = new bool[refLength];
            TestUsed = new bool[testLength];
        }

        public Match?[] Matches { get; private init; }

        public bool[] RefUsed { get; private init; }

        public bool[] TestUsed { get; private init; }

        public int MatchCount { get; set; }

        public int Matches1 { get; set; }

        public int Matches2 { get; set; }

        public int Chunks { get; set; }

        public int Index { get; set; }

        public int Distance { get; set; }

        public int LastMatchEnd { get; set; } = -1;

        public PartialAlignment Clone() => new(0, 0)
        {
            Matches = (Match?[])Matches.Clone(),
            RefUsed = (bool[])RefUsed.Clone(),
            TestUsed = (bool[])TestUsed.Clone(),
            MatchCount = MatchCount,
            Matches1 = Matches1,
            Matches2 = Matches2,
            Chunks = Chunks,
            Index = Index,
            Distance = Distance,
            LastMatchEnd = LastMatchEnd,
        };
    }
}

"""Word error counts, without torch: shared by the zoo's evaluation (common.py) and tools/bench/speech.sh."""


def wer_counts(ref, hyp):
    """(word edits, reference words): Levenshtein distance over whitespace-split words."""
    r, h = ref.split(), hyp.split()
    d = list(range(len(h) + 1))
    for i in range(1, len(r) + 1):
        prev, d[0] = d[0], i
        for k in range(1, len(h) + 1):
            cur = min(d[k] + 1, d[k - 1] + 1, prev + (r[i - 1] != h[k - 1]))
            prev, d[k] = d[k], cur
    return d[len(h)], len(r)

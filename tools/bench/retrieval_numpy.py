#!/usr/bin/python3
"""The seed's retrieval search on the same vectors, for docs/bench/retrieval.md (run by tools/bench/retrieval.sh).

The seed ranks with sklearn's cosine_similarity(query, database) and argsort. sklearn is not installed on these
machines (Debian's python3-numpy only), so this is numpy's equivalent of what cosine_similarity does: L2-normalize
both sides (a normalized copy of the database, every call), one matrix product, then a full argsort per query.
A second variant ("numpy, prepared") normalizes the database once and uses argpartition: the best numpy can do.

usage: retrieval_numpy.py VECTORS.f32 N DIM QUERIES.f32 Q  -> one JSON line on stdout
"""
import json
import sys
import time

import numpy as np


def normalize(a):
    norms = np.sqrt(np.einsum("ij,ij->i", a, a))
    norms[norms == 0] = 1
    return a / norms[:, None]


def cosine_similarity(q, x):
    return normalize(q) @ normalize(x).T


def seed_top10(q, x):
    sims = cosine_similarity(q, x)
    return np.argsort(-sims, axis=1, kind="stable")[:, :10]


def prepared_top10(q, xn):
    sims = normalize(q) @ xn.T
    part = np.argpartition(-sims, 10, axis=1)[:, :10]
    order = np.take_along_axis(sims, part, axis=1).argsort(axis=1)[:, ::-1]
    return np.take_along_axis(part, order, axis=1)


def timed(fn, reps):
    best = float("inf")
    out = None
    for _ in range(reps):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main():
    path, n, dim, qpath, qn = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
    x = np.fromfile(path, dtype=np.float32, count=n * dim).reshape(n, dim)
    q = np.fromfile(qpath, dtype=np.float32, count=qn * dim).reshape(qn, dim)
    t1, top1 = timed(lambda: seed_top10(q[:1], x), 2)
    t32, top32 = timed(lambda: seed_top10(q, x), 1)
    xn = normalize(x)
    p1, _ = timed(lambda: prepared_top10(q[:1], xn), 3)
    p32, ptop = timed(lambda: prepared_top10(q, xn), 2)
    print(json.dumps({
        "seed_qps_batch1": 1 / t1,
        "seed_qps_batch32": qn / t32,
        "prepared_qps_batch1": 1 / p1,
        "prepared_qps_batch32": qn / p32,
        "top10": top32.tolist(),
        "numpy": np.__version__,
    }))


if __name__ == "__main__":
    main()

"""Synthesises a pool of clean utterances for training (silence, noise and long-form windows are
added on the fly by train.py with the same world.py functions speech.py uses).

  /usr/bin/python3 tools/zoo/speech/pool.py --seed 1000 --count 8000 --out .zoo-data/speech/pool.npz
"""
import argparse
import json
import os
import sys
from multiprocessing import Pool

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np  # noqa: E402

import world  # noqa: E402


def job(args):
    seed, i = args
    rng = np.random.default_rng([seed, 7, i])
    lang = "en" if rng.random() < 0.7 else "es"
    while True:
        u = world.sample_utterance(rng, lang)
        sp = world.synthesize(u)
        a, b = world.speech_bounds(sp)
        if 1.0 <= (b - a) / world.SR <= 8.0:
            return u, world.to_int16(sp), a, b


def build(seed, count, out, workers):
    with Pool(workers) as p:
        res = p.map(job, [(seed, i) for i in range(count)], chunksize=16)
    lens = np.array([len(r[1]) for r in res], dtype=np.int64)
    offs = np.concatenate([[0], np.cumsum(lens)[:-1]])
    np.savez(out, audio=np.concatenate([r[1] for r in res]), offsets=offs, lengths=lens,
             bounds=np.array([[r[2], r[3]] for r in res], dtype=np.int64),
             meta=np.array([json.dumps(r[0], ensure_ascii=False) for r in res]))
    print("utterances", len(res), "seconds", lens.sum() / world.SR, flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1000)
    ap.add_argument("--count", type=int, default=12000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    build(a.seed, a.count, a.out, a.workers)


if __name__ == "__main__":
    main()

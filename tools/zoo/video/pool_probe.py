#!/usr/bin/python3
"""The pooling experiment behind tiny-video-vlm's connector (models/README.md): which pooled video tokens let a small
model read what the world asks for? Same probe, same steps, same clips, two poolings of the frozen encoder's tokens:

  grid   LLaVA-NeXT-Video: each frame's 8x8 patch grid average-pooled with stride 2 -> 8 frames x 16 = 128 tokens
  vcgpt  Video-ChatGPT-like at the same frame count: per frame 2x2 (stride 4, 8 x 4 = 32 spatial tokens per time
         step) + the temporal mean of the 4x4 grids (16) = 48 tokens

Probe: learned token positions -> 2 pre-LN transformer blocks (width 64) -> CLS -> heads for the first described
object's colour, shape and phrase (moves left/right/up/down, stays still, appears, disappears) and the object
count. Trained on clips 0..1499 of the training cache, scored on 1500..1999.

    tools/zoo/vision/with-openblas.sh /usr/bin/python3 tools/zoo/video/pool_probe.py [--steps 300]
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import train_video_vlm as T  # noqa: E402
import world  # noqa: E402
from common import Block, log  # noqa: E402

VERBS = ["moves left", "moves right", "moves up", "moves down", "stays still", "appears", "disappears"]


def targets(recs):
    out = []
    for r in recs:
        first = r["description"].split(" and ")[0].split(" ")   # a {colour} {shape} {verb...}
        out.append((world.shapes.COLOUR_NAMES.index(first[1]), world.shapes.SHAPES.index(first[2]),
                    VERBS.index(" ".join(first[3:])), r["objects"] - 1))
    return torch.tensor(out)


def pool(tokens, kind):
    """tokens [n, 8, 16, 64] (4x4 per frame) -> [n, S, 64]."""
    n = tokens.shape[0]
    if kind == "grid":
        return tokens.reshape(n, -1, 64)
    g = tokens.reshape(n, 8, 4, 4, 64)
    spatial = g.reshape(n, 8, 2, 2, 2, 2, 64).mean((3, 5)).reshape(n, 32, 64)
    temporal = g.mean(1).reshape(n, 16, 64)
    return torch.cat([spatial, temporal], 1)


class Probe(nn.Module):
    def __init__(self, seq):
        super().__init__()
        self.pos = nn.Parameter(torch.randn(seq + 1, 64) * 0.02)
        self.cls = nn.Parameter(torch.zeros(1, 1, 64))
        self.ln0 = nn.LayerNorm(64)
        self.blocks = nn.ModuleList([Block(64, 4) for _ in range(2)])
        self.ln = nn.LayerNorm(64)
        self.heads = nn.ModuleList([nn.Linear(64, k) for k in (8, 5, 7, 2)])

    def forward(self, x):
        x = torch.cat([self.cls.expand(len(x), -1, -1), self.ln0(x)], 1) + self.pos
        for b in self.blocks:
            x = b(x)
        h = self.ln(x[:, 0])
        return [hd(h) for hd in self.heads]


def run(kind, toks, y, steps, batch=32):
    torch.manual_seed(0)
    x = pool(toks, kind)
    m = Probe(x.shape[1])
    opt = torch.optim.AdamW(m.parameters(), lr=2e-3, weight_decay=0.01)
    t0 = time.process_time()
    for step in range(steps):
        idx = torch.from_numpy(np.random.default_rng([5, step]).integers(0, 1500, batch))
        out = m(x[idx])
        loss = sum(F.cross_entropy(o, y[idx, k]) for k, o in enumerate(out))
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        out = m(x[1500:2000])
    acc = {n: round(float((o.argmax(-1) == y[1500:2000, k]).float().mean()), 3)
           for k, (n, o) in enumerate(zip(("colour", "shape", "phrase", "count"), out))}
    return acc, round(time.process_time() - t0, 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=300)
    args = ap.parse_args()
    torch.set_num_threads(1)
    recs, toks = T.dataset(T.TRAIN_SEED, 2000, workers=1)
    toks, y = torch.from_numpy(toks).float(), targets(recs)
    for kind in ("grid", "vcgpt"):
        acc, cpu = run(kind, toks, y, args.steps)
        log(f"{kind}: {pool(toks[:1], kind).shape[1]} tokens, {args.steps} steps, {cpu} CPU s, held-out {acc}")


if __name__ == "__main__":
    main()

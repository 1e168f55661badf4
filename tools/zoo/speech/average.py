#!/usr/bin/env python3
"""Average the weights of checkpoints saved by train.py --snapshots-from (checkpoint averaging: the mean of the
last few checkpoints of a decayed schedule sits nearer the centre of the basin than any one of them).

  average.py --out OUT/model_avg.pt OUT/snap03100.pt OUT/snap03200.pt ...    (the last five: $(ls OUT/snap*.pt | tail -5))

Writes the model.pt format eval.py and export.py read. Integer buffers are taken from the last checkpoint."""
import argparse
import os

import torch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("inputs", nargs="+", help="snapshot files")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    files = a.inputs
    missing = [f for f in files if not os.path.isfile(f)]
    if missing:
        raise SystemExit(f"no such snapshot: {', '.join(missing)} (train.py writes them with --snapshots-from)")
    sts = [torch.load(f, map_location="cpu") for f in files]
    cfgs = {repr(s["cfg"]) for s in sts}
    if len(cfgs) != 1:
        raise SystemExit("snapshots come from different model configurations")
    last = sts[-1]
    avg = {}
    for k, v in last["model"].items():
        if v.dtype.is_floating_point:
            avg[k] = sum(s["model"][k].double() for s in sts).div(len(sts)).to(v.dtype)
        else:
            avg[k] = v.clone()
    torch.save({"model": avg, "cfg": last["cfg"], "steps": last["steps"], "elapsed": last["elapsed"],
                "args": last["args"], "final": True, "averaged": [os.path.basename(f) for f in files]}, a.out)
    print(f"averaged {len(files)} snapshots ({os.path.basename(files[0])} .. {os.path.basename(files[-1])}) -> {a.out}")


if __name__ == "__main__":
    main()

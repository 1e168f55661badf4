#!/usr/bin/python3
"""The zoo's PyTorch accuracies on a held-out shapes set given as files, with the zoo's own model code.

    /usr/bin/python3 tools/zoo/shapes.py --seed 2027 --count 200 --out tests/fixtures/Vision/shapes-s2027
    /usr/bin/python3 tools/bench/heldout_pytorch.py tests/fixtures/Vision/shapes-s2027 \
        [--zoo-data .zoo-data] [--clip-checkpoints DIR] > tests/fixtures/Vision/shapes-s2027-pytorch.json

Loads the checkpoints the bundled ONNX folders were exported from (.zoo-data/v4/tiny-*.pt.npz by default; a
retrained model's folder with --clip-checkpoints / --captioner-checkpoints / --vlm-checkpoints, e.g.
.zoo-data/v2 for the patch-stem tiny-clip committed as 8ba77f5), rebuilds
each tokenizer the way tools/zoo/vision/train_*.py do and checks it equals the bundled tokenizer.json, reads the
image files with Pillow (the zoo's reference preprocessing in tools/zoo/vision/common.py) and scores with the
zoo's metrics: zero-shot top-1 on one-object images, caption exact match, VQA accuracy per question type.
CPU, one thread; a few minutes. Per-item predictions are written too, for diagnosing a disagreement.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools", "zoo", "vision"))
import common  # noqa: E402
import train_captioner  # noqa: E402
import train_clip  # noqa: E402
import train_vlm  # noqa: E402


def load_model(cls, vocab, checkpoints, name):
    with np.load(os.path.join(checkpoints[name], f"{name}.pt.npz")) as z:
        weights = {k: torch.from_numpy(z[k].copy()) for k in z.files}
    model = cls(vocab, common.stem_of(weights))
    model.load_state_dict(weights)
    return model.eval()


def same_tokenizer(tok, name):
    with open(os.path.join(ROOT, "models", name, "tokenizer.json"), encoding="utf-8") as f:
        bundled = json.load(f)
    # through a JSON round trip: the bundled file is what write_json made of to_json()
    if json.loads(json.dumps(tok.to_json())) != bundled:
        raise SystemExit(f"the rebuilt {name} tokenizer differs from models/{name}/tokenizer.json: wrong --zoo-data?")


def tokenizer_records(zoo_data):
    """The first 5,000 training records, which the tokenizers read: any cached default set of the training seed holds
    them (a count is a prefix of the 30,000; a fine-tune caches fewer)."""
    import re
    pat = re.compile(rf"train-s{common.TRAIN_SEED}-n(\d+)\.jsonl")
    counts = sorted((int(m.group(1)) for m in map(pat.fullmatch, os.listdir(zoo_data)) if m), reverse=True)
    if not counts or counts[0] < 5000:
        raise SystemExit(f"no cached training set of seed {common.TRAIN_SEED} with 5,000 records in {zoo_data}")
    with open(os.path.join(zoo_data, f"train-s{common.TRAIN_SEED}-n{counts[0]}.jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for _, line in zip(range(5000), f)]


def images(folder, recs):
    """uint8 [N, 64, 64, 3] per preprocessing kind, as common._chunk makes them (Pillow on the decoded file)."""
    out = {k: np.empty((len(recs), 64, 64, 3), np.uint8) for k in common.KINDS}
    for i, r in enumerate(recs):
        with Image.open(os.path.join(folder, r["file"])) as img:
            for k, a in common._preprocess_all(img).items():
                out[k][i] = a
    return out


@torch.no_grad()
def clip(recs, arrs, train_recs, checkpoints):
    tok = train_clip.build_tokenizer(train_recs)
    same_tokenizer(tok, "tiny-clip")
    model = load_model(train_clip.TinyClip, len(tok.vocab) + 2, checkpoints, "tiny-clip")
    _, ie = model.image_features(train_clip.pixels(arrs[train_clip.KIND]))
    ie = F.normalize(ie, dim=-1).numpy()
    labels = [(c, s) for c in common.shapes.COLOUR_NAMES for s in common.shapes.SHAPES]
    ids, mask = train_clip.pad_batch([tok.encode(train_clip.prompt(c, s)) for c, s in labels], tok.eos_id, train_clip.TRAIN_LEN)
    _, le = model.text_features(ids, mask)
    le = F.normalize(le, dim=-1).numpy()
    one = [i for i, r in enumerate(recs) if len(r["objects"]) == 1]
    pred = (ie[one] @ le.T).argmax(1)
    truth = np.array([labels.index((recs[i]["objects"][0]["colour"], recs[i]["objects"][0]["shape"])) for i in one])
    return {
        "zero_shot_top1": float((pred == truth).mean()),
        "zero_shot_images": len(one),
        "zero_shot_labels": [f"{c} {s}" for c, s in labels],
        "template": "a photo of a {label}",
        "predictions": {recs[i]["file"]: f"{labels[p][0]} {labels[p][1]}" for i, p in zip(one, pred)},
    }


@torch.no_grad()
def captioner(recs, arrs, train_recs, checkpoints):
    tok = train_captioner.build_tokenizer(train_recs)
    same_tokenizer(tok, "tiny-captioner")
    model = load_model(train_captioner.Captioner, len(tok.vocab), checkpoints, "tiny-captioner")
    eos = tok.special_ids["<|endoftext|>"]
    gen = train_captioner.greedy(model, train_captioner.pixels(arrs[train_captioner.KIND]), eos)
    preds = [train_captioner.decode(tok, g.tolist(), eos) for g in gen]
    return {**train_captioner.score(recs, preds), "predictions": {r["file"]: p for r, p in zip(recs, preds)}}


@torch.no_grad()
def vlm(recs, arrs, checkpoints):
    tok = train_vlm.build_tokenizer()
    same_tokenizer(tok, "tiny-vlm")
    model = load_model(train_vlm.TinyVlm, len(tok.vocab), checkpoints, "tiny-vlm")
    items = train_vlm.heldout_questions(recs)
    gens = train_vlm.greedy_torch(model, tok, train_vlm.pixels(arrs[train_vlm.KIND]), items)
    preds = train_vlm.answers(tok, gens)
    return {
        "per_question_type": train_vlm.score(items, preds),
        "predictions": [{"file": recs[i]["file"], "question": q, "answer": p} for (i, q, _), p in zip(items, preds)],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--zoo-data", default=common.DATA)
    for name in ("clip", "captioner", "vlm"):
        ap.add_argument(f"--{name}-checkpoints", default=None, help=f"folder holding tiny-{name}.pt.npz")
    ap.add_argument("--only", action="append", choices=["clip", "captioner", "vlm"],
                    help="recompute only these models (repeatable), keeping the others from --base")
    ap.add_argument("--base", help="an earlier output of this script to take the other models from")
    args = ap.parse_args()
    checkpoints = {f"tiny-{n}": getattr(args, f"{n}_checkpoints") or os.path.join(args.zoo_data, "v4")
                   for n in ("clip", "captioner", "vlm")}
    torch.set_num_threads(1)
    with open(os.path.join(args.folder, "labels.jsonl"), encoding="utf-8") as f:
        recs = [json.loads(line) for line in f if line.strip()]
    train_recs = tokenizer_records(args.zoo_data)
    arrs = images(args.folder, recs)
    only = set(args.only or ["clip", "captioner", "vlm"])
    base = {}
    if args.base:
        with open(args.base, encoding="utf-8") as f:
            base = json.load(f)
    out = {
        "description": "The zoo's PyTorch models (the checkpoints the bundled ONNX folders were exported from) on "
                       "these files with Pillow preprocessing; tools/bench/heldout_pytorch.py",
        "folder": os.path.relpath(os.path.abspath(args.folder), ROOT),
        "images": len(recs),
        "checkpoints": dict(base.get("checkpoints", {})),
    }
    runs = {"clip": lambda: clip(recs, arrs, train_recs, checkpoints),
            "captioner": lambda: captioner(recs, arrs, train_recs, checkpoints),
            "vlm": lambda: vlm(recs, arrs, checkpoints)}
    for name, run in runs.items():
        if name in only:
            out[name] = run()
            out["checkpoints"][f"tiny-{name}"] = os.path.relpath(os.path.abspath(checkpoints[f"tiny-{name}"]),
                                                                 os.path.abspath(os.path.join(args.zoo_data, "..")))
        else:
            out[name] = base[name]
    json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

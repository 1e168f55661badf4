#!/usr/bin/python3
"""Recovers tiny-clip's PyTorch weights from its committed export, the starting point of a fine-tune when the
training run's checkpoints are gone (.zoo-data/v4 stays local, never committed).

  tools/zoo/vision/with-openblas.sh /usr/bin/python3 tools/zoo/vision/from_onnx.py --out .zoo-data/clip-ft/init.pt

onnx/model.onnx holds every parameter of the model (the frozen ViT, which is the captioner's encoder ViT, the trained
head, the text tower and both projections). Most keep their PyTorch names (`m.head.0.fc1.bias`); the linear weights
become anonymous transposed MatMul initializers (`onnx::MatMul_745`). Their names are fixed by the export code, so
a model with random weights exported by train_clip.py's own `export` names them the same way: matching that
export's initializers against the random weights gives the name -> parameter map, which is then applied to the
committed file. The result is checked by exporting it again: every initializer of the three graphs must equal the
committed one exactly. Also checked: the recovered ViT equals models/tiny-captioner's encoder, initializer by
initializer, so freezing it keeps the zoo's one image encoder.
Writes the checkpoint format train_clip.py (--init, --export-only --ckpt) reads (common.save_ckpt: .pt, .pt.npz,
.pt.json); its metadata keeps the committed eval.json's "train" block, the run the weights come from."""
import argparse
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np  # noqa: E402
import onnx  # noqa: E402
import torch  # noqa: E402
from onnx import numpy_helper  # noqa: E402

import common  # noqa: E402
import train_clip  # noqa: E402
from tok import ClipTokenizer  # noqa: E402

GRAPHS = ("model.onnx", "text_model.onnx", "vision_model.onnx")


def probe_tokenizer():
    """Any tokenizer that encodes the export's two sample texts: the initializers do not depend on it."""
    return ClipTokenizer(train_clip.world_texts())


def new_model(model_dir):
    with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as f:
        c = json.load(f)
    stem = "conv" if c["vision_config"].get("patch_embedding") == "conv_stem" else "patch"
    return train_clip.TinyClip(c["text_config"]["vocab_size"], stem)


def initializers(path):
    return {t.name: numpy_helper.to_array(t) for t in onnx.load(path).graph.initializer}


def name_map(model_dir):
    """ONNX initializer name of model.onnx -> (parameter name, transposed) for the anonymous ones, from an export of
    random weights."""
    torch.manual_seed(0)
    probe = new_model(model_dir).eval()
    params = {k: v.detach().numpy() for k, v in probe.state_dict().items() if v.dtype.is_floating_point}
    out = {}
    with tempfile.TemporaryDirectory() as tmp, torch.no_grad():
        train_clip.export(probe, probe_tokenizer(), tmp)
        for name, a in initializers(os.path.join(tmp, "onnx", "model.onnx")).items():
            if not name.startswith("onnx::"):
                continue
            hits = [(k, tr) for k, p in params.items() for tr in (False, True)
                    if (p.T if tr else p).shape == a.shape and np.array_equal(p.T if tr else p, a)]
            if len(hits) == 1:
                out[name] = hits[0]
            elif a.ndim == 2:
                raise SystemExit(f"{name} {a.shape} matches {len(hits)} parameters")
    return out


def recover(model_dir):
    anon = name_map(model_dir)
    model = new_model(model_dir)
    sd = model.state_dict()
    filled = set()
    for name, a in initializers(os.path.join(model_dir, "onnx", "model.onnx")).items():
        if name.startswith("m."):
            key, tr = name[2:], False
        elif name in anon:
            key, tr = anon[name]
        else:
            continue  # shape constants and the like
        if key not in sd:
            continue
        v = torch.from_numpy(np.array(a.T if tr else a, order="C"))  # ascontiguousarray would make a scalar 1-d
        if v.shape != sd[key].shape:
            raise SystemExit(f"{name} -> {key}: shape {tuple(v.shape)} != {tuple(sd[key].shape)}")
        sd[key] = v
        filled.add(key)
    missing = [k for k, v in sd.items() if v.dtype.is_floating_point and k not in filled]
    if missing:
        raise SystemExit(f"not found in the export: {missing}")
    model.load_state_dict(sd)
    return model.eval()


def check(model, model_dir):
    """Exports the recovered model again and compares every initializer of the three graphs with the committed
    files: returns the number compared and the largest |diff| (0 when the recovery is exact)."""
    n, worst = 0, 0.0
    with tempfile.TemporaryDirectory() as tmp, torch.no_grad():
        train_clip.export(model, probe_tokenizer(), tmp)
        for g in GRAPHS:
            mine = initializers(os.path.join(tmp, "onnx", g))
            theirs = initializers(os.path.join(model_dir, "onnx", g))
            if set(mine) != set(theirs):
                raise SystemExit(f"{g}: initializer names differ: {sorted(set(mine) ^ set(theirs))[:5]}")
            for name, a in theirs.items():
                if mine[name].shape != a.shape or mine[name].dtype != a.dtype:
                    raise SystemExit(f"{g}: {name} {a.shape} {a.dtype} vs {mine[name].shape} {mine[name].dtype}")
                if a.size:
                    worst = max(worst, float(np.abs(mine[name].astype(np.float64) - a.astype(np.float64)).max()))
                n += 1
    return n, worst


def captioner_encoder_matches(model, captioner_dir):
    """Compares the recovered ViT with the named encoder initializers of the captioner's export (the ViT tiny-clip
    froze): (number compared, largest |diff|), or None when the captioner's graph names none of them."""
    path = os.path.join(captioner_dir, "onnx", "encoder_model.onnx")
    if not os.path.exists(path):
        return None
    theirs = initializers(path)
    anonymous = [t for name, t in theirs.items() if name.startswith("onnx::") and t.ndim == 2]
    n, worst = 0, 0.0
    for k, v in model.vision.state_dict().items():
        v = v.numpy()
        for name in (f"m.encoder.vit.{k}", f"m.vit.{k}", f"encoder.vit.{k}", f"vit.{k}"):
            if name in theirs and theirs[name].shape == v.shape:
                worst = max(worst, float(np.abs(theirs[name] - v).max()))
                n += 1
                break
        else:  # a linear weight: anonymous there too, transposed; it must be one of them exactly
            if v.ndim == 2 and k.endswith(".weight"):
                if not any(t.shape == v.T.shape and np.array_equal(t, v.T) for t in anonymous):
                    worst = max(worst, float("inf"))
                n += 1
    return (n, worst) if n else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", default=os.path.join(common.ROOT, "models", "tiny-clip"))
    ap.add_argument("--captioner-dir", default=os.path.join(common.ROOT, "models", "tiny-captioner"))
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    torch.set_num_threads(1)
    model = recover(a.model_dir)
    n, worst = check(model, a.model_dir)
    print(f"recovered; re-exported, {n} initializers of {', '.join(GRAPHS)} against the committed files: "
          f"max |diff| {worst:.1e}")
    if worst > 0:
        raise SystemExit("the recovered weights do not reproduce the export")
    enc = captioner_encoder_matches(model, a.captioner_dir)
    if enc is None:
        print("captioner encoder: no named ViT initializers to compare")
    else:
        print(f"captioner encoder: {enc[0]} ViT tensors compared, max |diff| {enc[1]:.1e}")
        if enc[1] > 0:
            raise SystemExit("tiny-clip's ViT is not the captioner's encoder ViT")
    with open(os.path.join(a.model_dir, "eval.json"), encoding="utf-8") as f:
        trained = json.load(f)["train"]
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    common.save_ckpt(a.out, model=common.cpu_state(model), step=0, elapsed=0.0, device="cpu",
                     args={"recovered_from": os.path.relpath(os.path.abspath(a.model_dir), common.ROOT),
                           "train": trained})
    print(f"-> {a.out}")


if __name__ == "__main__":
    main()

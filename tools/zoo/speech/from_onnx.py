"""Recovers tiny-whisper's PyTorch weights from its committed export, the starting point of a fine-tune when the
training run's checkpoints are gone (they stay local under .zoo-data/, never committed).

  /usr/bin/python3 tools/zoo/speech/from_onnx.py --model-dir models/tiny-whisper --out .zoo-data/speech/committed.pt

The export keeps most parameters under their PyTorch names (`m.enc_layers.0.fc1.bias`); the linear weights become
anonymous transposed MatMul initializers (`onnx::MatMul_569`). Their names are fixed by the export code, so a model
with random weights exported by export.py's own `export_all` names them the same way: matching that export's
initializers against the random weights gives the name -> parameter map, which is then applied to the committed files.
The result is checked by exporting it again: every initializer must equal the committed one.
Writes the model.pt format train.py (--init), eval.py and export.py read."""
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

import export  # noqa: E402
from model import TinyWhisper  # noqa: E402

GRAPHS = ("encoder_model.onnx", "decoder_model.onnx")


def config(model_dir):
    with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as f:
        c = json.load(f)
    keys = ("d_model", "encoder_layers", "decoder_layers", "encoder_attention_heads", "decoder_attention_heads",
            "encoder_ffn_dim", "decoder_ffn_dim", "num_mel_bins", "max_source_positions", "max_target_positions",
            "vocab_size", "encoder_stride")
    return {k: c[k] for k in keys}


def name_map(cfg):
    """(graph, ONNX initializer name) -> (parameter name, transposed) for the anonymous ones (names are per graph), from an export of random weights."""
    torch.manual_seed(0)
    probe = TinyWhisper(cfg).eval()
    params = {k: v.detach().numpy() for k, v in probe.state_dict().items() if v.dtype.is_floating_point}
    out = {}
    with tempfile.TemporaryDirectory() as tmp, torch.no_grad():
        export.export_all(probe, tmp)
        for g in GRAPHS:
            for t in onnx.load(os.path.join(tmp, "onnx", g)).graph.initializer:
                if not t.name.startswith("onnx::"):
                    continue
                a = numpy_helper.to_array(t)
                hits = [(k, tr) for k, p in params.items() for tr in (False, True)
                        if (p.T if tr else p).shape == a.shape and np.array_equal(p.T if tr else p, a)]
                if len(hits) == 1:
                    out[g, t.name] = hits[0]
                elif a.ndim == 2:
                    raise SystemExit(f"{g}: {t.name} {a.shape} matches {len(hits)} parameters")
    return out


def recover(model_dir):
    cfg = config(model_dir)
    anon = name_map(cfg)
    model = TinyWhisper(cfg)
    sd = model.state_dict()
    filled = set()
    for g in GRAPHS:
        for t in onnx.load(os.path.join(model_dir, "onnx", g)).graph.initializer:
            a = numpy_helper.to_array(t)
            if t.name.startswith("m."):
                key, tr = t.name[2:], False
            elif (g, t.name) in anon:
                key, tr = anon[g, t.name]
            else:
                continue  # shape constants and the like
            if key not in sd:
                continue
            v = torch.from_numpy(np.ascontiguousarray(a.T if tr else a).copy())
            if v.shape != sd[key].shape:
                raise SystemExit(f"{g}: {t.name} -> {key}: shape {tuple(v.shape)} != {tuple(sd[key].shape)}")
            sd[key] = v
            filled.add(key)
    missing = [k for k, v in sd.items() if v.dtype.is_floating_point and k not in filled and k != "enc_positions"]
    if missing:
        raise SystemExit(f"not found in the export: {missing}")
    model.load_state_dict(sd)
    return model.eval(), cfg


def check(model, model_dir):
    """Exports the recovered model again and compares every initializer of its encoder and decoder with the
    committed files: returns the number compared and the largest |diff| (0 when the recovery is exact)."""
    n, worst = 0, 0.0
    with tempfile.TemporaryDirectory() as tmp, torch.no_grad():
        export.export_all(model, tmp)
        for g in GRAPHS:
            mine = {t.name: numpy_helper.to_array(t) for t in onnx.load(os.path.join(tmp, "onnx", g)).graph.initializer}
            for t in onnx.load(os.path.join(model_dir, "onnx", g)).graph.initializer:
                a = numpy_helper.to_array(t)
                if t.name not in mine or mine[t.name].shape != a.shape:
                    raise SystemExit(f"{g}: {t.name} has no counterpart in the re-export")
                if a.dtype.kind == "f":
                    worst = max(worst, float(np.abs(mine[t.name] - a).max()) if a.size else 0.0)
                n += 1
    return n, worst


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", default="models/tiny-whisper")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    model, cfg = recover(a.model_dir)
    n, worst = check(model, a.model_dir)
    print(f"recovered; re-exported, {n} initializers against the committed files: max |diff| {worst:.1e}")
    if worst > 0:
        raise SystemExit("the recovered weights do not reproduce the export")
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    torch.save({"model": model.state_dict(), "cfg": cfg, "steps": 0, "elapsed": 0.0,
                "args": {"recovered_from": os.path.abspath(a.model_dir)}, "final": True}, a.out)
    print(f"-> {a.out}")


if __name__ == "__main__":
    main()

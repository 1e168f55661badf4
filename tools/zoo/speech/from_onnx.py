"""Recovers tiny-whisper's PyTorch weights from its committed export, the starting point of a fine-tune when the
training run's checkpoints are gone (they stay local under .zoo-data/, never committed).

  /usr/bin/python3 tools/zoo/speech/from_onnx.py --model-dir models/tiny-whisper --out .zoo-data/speech/committed.pt

How (tools/zoo/onnx_weights.py): the anonymous MatMul initializers are named by exporting random weights with
export.py's own `export_all`; the result is checked by exporting it again: every initializer of the encoder and the
decoder must equal the committed one.
Writes the model.pt format train.py (--init), eval.py and export.py read."""
import argparse
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
import torch  # noqa: E402

import export  # noqa: E402
import onnx_weights as ow  # noqa: E402
from model import TinyWhisper  # noqa: E402

GRAPHS = ("encoder_model.onnx", "decoder_model.onnx")


def config(model_dir):
    with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as f:
        c = json.load(f)
    keys = ("d_model", "encoder_layers", "decoder_layers", "encoder_attention_heads", "decoder_attention_heads",
            "encoder_ffn_dim", "decoder_ffn_dim", "num_mel_bins", "max_source_positions", "max_target_positions",
            "vocab_size", "encoder_stride")
    return {k: c[k] for k in keys}


def exported(model):
    """{graph: initializers} of `model` exported by export.py into a temporary folder."""
    with tempfile.TemporaryDirectory() as tmp, torch.no_grad():
        export.export_all(model, tmp)
        return {g: ow.initializers(os.path.join(tmp, "onnx", g)) for g in GRAPHS}


def recover(model_dir):
    cfg = config(model_dir)
    torch.manual_seed(0)
    probe = TinyWhisper(cfg).eval()
    params = {k: v.detach().numpy() for k, v in probe.state_dict().items() if v.dtype.is_floating_point}
    anon = ow.anonymous_names(params, exported(probe))
    model = TinyWhisper(cfg)
    sd = model.state_dict()
    filled = ow.fill(sd, {g: ow.initializers(os.path.join(model_dir, "onnx", g)) for g in GRAPHS}, anon)
    # enc_positions is a buffer of fixed sinusoids, folded into the graph
    missing = [k for k, v in sd.items() if v.dtype.is_floating_point and k not in filled and k != "enc_positions"]
    if missing:
        raise SystemExit(f"not found in the export: {missing}")
    model.load_state_dict(sd)
    return model.eval(), cfg


def check(model, model_dir):
    """Re-export against the committed encoder and decoder: (initializers compared, largest |diff|)."""
    return ow.compare(exported(model), {g: ow.initializers(os.path.join(model_dir, "onnx", g)) for g in GRAPHS})


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

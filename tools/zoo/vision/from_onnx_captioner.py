#!/usr/bin/python3
"""Recovers tiny-captioner's PyTorch weights from its committed export, the starting point of a fine-tune when the
training run's checkpoints are gone (.zoo-data/v4 stays local, never committed).

  tools/zoo/vision/with-openblas.sh /usr/bin/python3 tools/zoo/vision/from_onnx_captioner.py --out .zoo-data/cap-ft/init.pt

onnx/encoder_model.onnx holds the encoder (ViT + final LayerNorm, exported without a wrapper: `vit.pre.weight`),
onnx/decoder_model.onnx the whole GPT-2 decoder (exported through DecoderNoPast: `d.wte.weight`). How
(tools/zoo/onnx_weights.py): the committed names are put under the model's own (`encoder.`, `decoder.`) with
onnx_weights' `m.` prefix, and the anonymous MatMul initializers are named by exporting random weights with
train_captioner.py's own `export`. The result is checked by exporting it again: every initializer of the four graphs
(encoder, decoder, decoder with past, merged) must equal the committed one exactly.
Writes the checkpoint format train_captioner.py (--init, --export-only --ckpt) reads (common.save_ckpt: .pt, .pt.npz,
.pt.json); its metadata keeps the committed eval.json's "train" block, the run the weights come from."""
import argparse
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
import torch  # noqa: E402

import common  # noqa: E402
import onnx_weights as ow  # noqa: E402
import train_captioner as tc  # noqa: E402
from tok import Gpt2Tokenizer  # noqa: E402

GRAPHS = ("encoder_model.onnx", "decoder_model.onnx", "decoder_with_past_model.onnx", "decoder_model_merged.onnx")
# where each graph's named initializers live in Captioner's state dict (the exported module's attribute path)
SOURCES = {"encoder_model.onnx": ("", "encoder."), "decoder_model.onnx": ("d.", "decoder.")}


def probe_tokenizer():
    """Any tokenizer with an <|endoftext|> below the vocabulary size: the initializers do not depend on it."""
    return Gpt2Tokenizer(tc.world_captions(), ["<|endoftext|>"])


def new_model(model_dir):
    with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as f:
        c = json.load(f)
    stem = "conv" if c["encoder"].get("patch_embedding") == "conv_stem" else "patch"
    return tc.Captioner(c["decoder"]["vocab_size"], stem)


def exported(model, graphs):
    """{graph: initializers} of `model` exported by train_captioner.py into a temporary folder."""
    with tempfile.TemporaryDirectory() as tmp, torch.no_grad():
        tc.export(model, probe_tokenizer(), tmp)
        return {g: ow.initializers(os.path.join(tmp, "onnx", g)) for g in graphs}


def recover(model_dir):
    return ow.recover(lambda: new_model(model_dir), exported, list(SOURCES),
                      {g: ow.renamed(ow.initializers(os.path.join(model_dir, "onnx", g)), strip, "m." + under)
                       for g, (strip, under) in SOURCES.items()})


def check(model, model_dir):
    """Re-export against the committed four graphs: (initializers compared, largest |diff|; 0 when exact)."""
    return ow.compare(exported(model, GRAPHS),
                      {g: ow.initializers(os.path.join(model_dir, "onnx", g)) for g in GRAPHS})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", default=os.path.join(common.ROOT, "models", "tiny-captioner"))
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    torch.set_num_threads(1)
    model = recover(a.model_dir)
    common.check_recovered(check(model, a.model_dir), GRAPHS)
    common.save_recovered(a.out, model, a.model_dir)


if __name__ == "__main__":
    main()

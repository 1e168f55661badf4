#!/usr/bin/python3
"""Recovers tiny-vlm's PyTorch weights from its committed export, the starting point of a fine-tune when the
training run's checkpoints are gone (.zoo-data/v4 stays local, never committed).

  tools/zoo/vision/with-openblas.sh /usr/bin/python3 tools/zoo/vision/from_onnx_vlm.py --out .zoo-data/vlm-ft/init.pt

The three graphs hold every parameter: onnx/vision_encoder.onnx the ViT (the captioner's encoder as tiny-vlm froze
it), ln_vision, the Q-Former queries and blocks and the projection (exported from model.vision: names without a
prefix); onnx/embed_tokens.onnx the token embeddings (`m.`); onnx/decoder_model_merged.onnx the LLaMA-style decoder
and lm_head (`d.`). So no captioner checkpoint is needed: the ViT comes from the VLM's own vision graph. How
(tools/zoo/onnx_weights.py): the anonymous MatMul initializers are named by exporting random weights with
train_vlm.py's own `export`; the result is checked by exporting it again: every initializer of the three graphs must
equal the committed one exactly. Also reported: whether the recovered ViT equals models/tiny-captioner's encoder.
Writes the checkpoint format train_vlm.py (--init, --export-only --ckpt) reads (common.save_ckpt: .pt, .pt.npz,
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
import train_vlm  # noqa: E402

GRAPHS = ("vision_encoder.onnx", "embed_tokens.onnx", "decoder_model_merged.onnx")
# each graph's initializer names -> the `m.` + state_dict names fill() reads
PREFIXES = {"vision_encoder.onnx": ("", "m.vision."), "embed_tokens.onnx": ("m.", "m."),
            "decoder_model_merged.onnx": ("d.", "m.decoder.")}


def new_model(model_dir):
    with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as f:
        c = json.load(f)
    stem = "conv" if c["vision_config"].get("patch_embedding") == "conv_stem" else "patch"
    tok = train_vlm.build_tokenizer()
    if len(tok.vocab) != c["text_config"]["vocab_size"]:
        raise SystemExit(f"train_vlm.py's tokenizer has {len(tok.vocab)} ids, the export {c['text_config']['vocab_size']}")
    return train_vlm.TinyVlm(len(tok.vocab), stem)


def exported(model, graphs):
    """{graph: initializers} of `model` exported by train_vlm.py into a temporary folder."""
    with tempfile.TemporaryDirectory() as tmp, torch.no_grad():
        train_vlm.export(model, train_vlm.build_tokenizer(), tmp)
        return {g: ow.initializers(os.path.join(tmp, "onnx", g)) for g in graphs}


def committed(model_dir):
    return {g: ow.initializers(os.path.join(model_dir, "onnx", g)) for g in GRAPHS}


def recover(model_dir):
    return ow.recover(lambda: new_model(model_dir), exported, GRAPHS,
                      {g: ow.renamed(inits, *PREFIXES[g]) for g, inits in committed(model_dir).items()})


def check(model, model_dir):
    """Re-export against the committed three graphs: (initializers compared, largest |diff|; 0 when exact)."""
    return ow.compare(exported(model, GRAPHS), committed(model_dir))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", default=os.path.join(common.ROOT, "models", "tiny-vlm"))
    ap.add_argument("--captioner-dir", default=os.path.join(common.ROOT, "models", "tiny-captioner"))
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    torch.set_num_threads(1)
    model = recover(a.model_dir)
    common.check_recovered(check(model, a.model_dir), GRAPHS)
    import from_onnx  # the CLIP recovery's comparison with the captioner's encoder (informational here)
    if from_onnx.captioner_encoder_report(model.vision.vit, a.captioner_dir):
        print("  tiny-vlm's ViT is not, or no longer, the captioner's")
    common.save_recovered(a.out, model, a.model_dir)


if __name__ == "__main__":
    main()

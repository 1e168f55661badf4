#!/usr/bin/python3
"""Recovers tiny-clip's PyTorch weights from its committed export, the starting point of a fine-tune when the
training run's checkpoints are gone (.zoo-data/v4 stays local, never committed).

  tools/zoo/vision/with-openblas.sh /usr/bin/python3 tools/zoo/vision/from_onnx.py --out .zoo-data/clip-ft/init.pt

onnx/model.onnx holds every parameter of the model (the frozen ViT, which is the captioner's encoder ViT, the trained
head, the text tower and both projections). How (tools/zoo/onnx_weights.py): the anonymous MatMul initializers are
named by exporting random weights with train_clip.py's own `export`; the result is checked by exporting it again:
every initializer of the three graphs must equal the committed one exactly. Also compared: the recovered ViT against
models/tiny-captioner's encoder, initializer by initializer. Until the captioner's encoder is fine-tuned they must be
equal (freezing the ViT then keeps the zoo's one image encoder) and a difference fails; once its eval.json says the
encoder trained in a fine-tune ("fine_tune": {"encoder_trained": true}, finetune_captioner.sh), the captioner's ONNX
files hold their own copy of the ViT, so the difference is reported and the recovery goes on (tiny-clip keeps its
own frozen ViT, which lives in tiny-clip's ONNX files).
Writes the checkpoint format train_clip.py (--init, --export-only --ckpt) reads (common.save_ckpt: .pt, .pt.npz,
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


initializers = ow.initializers


def exported(model, graphs):
    """{graph: initializers} of `model` exported by train_clip.py into a temporary folder."""
    with tempfile.TemporaryDirectory() as tmp, torch.no_grad():
        train_clip.export(model, probe_tokenizer(), tmp)
        return {g: initializers(os.path.join(tmp, "onnx", g)) for g in graphs}


def recover(model_dir):
    return ow.recover(lambda: new_model(model_dir), exported, ["model.onnx"],
                      {"model.onnx": initializers(os.path.join(model_dir, "onnx", "model.onnx"))})


def check(model, model_dir):
    """Re-export against the committed three graphs: (initializers compared, largest |diff|; 0 when exact)."""
    return ow.compare(exported(model, GRAPHS), {g: initializers(os.path.join(model_dir, "onnx", g)) for g in GRAPHS})


def captioner_encoder_report(vit, captioner_dir):
    """Compares a recovered ViT with the captioner's encoder ViT (the one tiny-clip and tiny-vlm froze), both read back
    from their exports (the captioner's by from_onnx_captioner.py, exact), and prints the result: the largest |diff|
    (0 when equal), or None when the captioner has no encoder graph."""
    if not os.path.exists(os.path.join(captioner_dir, "onnx", "encoder_model.onnx")):
        print("captioner encoder: no encoder graph to compare")
        return None
    import from_onnx_captioner
    theirs = from_onnx_captioner.recover(captioner_dir).encoder.vit.state_dict()
    n, worst = 0, 0.0
    for k, v in vit.state_dict().items():
        t = theirs.get(k)
        if t is None or t.shape != v.shape:
            worst = float("inf")
        else:
            worst = max(worst, float((t.double() - v.double()).abs().max()))
        n += 1
    print(f"captioner encoder ({captioner_dir}): {n} ViT tensors compared, max |diff| {worst:.1e}")
    return worst


def captioner_encoder_fine_tuned(captioner_dir):
    """True when the captioner's eval.json records a fine-tune that trained its encoder."""
    path = os.path.join(captioner_dir, "eval.json")
    if not os.path.exists(path):
        return False
    with open(path, encoding="utf-8") as f:
        return bool(json.load(f).get("fine_tune", {}).get("encoder_trained"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", default=os.path.join(common.ROOT, "models", "tiny-clip"))
    ap.add_argument("--captioner-dir", default=os.path.join(common.ROOT, "models", "tiny-captioner"))
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    torch.set_num_threads(1)
    model = recover(a.model_dir)
    common.check_recovered(check(model, a.model_dir), GRAPHS)
    if captioner_encoder_report(model.vision, a.captioner_dir):
        if not captioner_encoder_fine_tuned(a.captioner_dir):
            raise SystemExit("tiny-clip's ViT is not the captioner's encoder ViT")
        print("  the captioner's encoder was fine-tuned (its eval.json: fine_tune.encoder_trained): tiny-clip keeps "
              "its own ViT, as committed; not a failure")
    common.save_recovered(a.out, model, a.model_dir)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""PyTorch reference embeddings of the bundled tiny-clip for the SDK's parity test.

Runs the training script's own model on its own preprocessing (Pillow resize to 64x64 with the resample of
models/tiny-clip/preprocessor_config.json, numpy rescale/normalize: what CLIPImageProcessor does with
size {height, width} and no crop) for the committed held-out images tests/fixtures/Vision/shapes-s1001, and one
text with its ids from models/README.md.
Needs the checkpoint of the committed weights (.zoo-data/v4/tiny-clip.pt[.npz], from tools/zoo/vision/train_clip.py;
TINY_CLIP_CKPT overrides).

    /usr/bin/python3 tools/reference/clip_reference.py
"""
import json
import os
import sys

import numpy as np
import torch
from PIL import Image

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "zoo", "vision"))
import common  # noqa: E402
from train_clip import TinyClip, MEAN, STD  # noqa: E402

# The committed weights' portable checkpoint (models/README.md says how they were trained).
CKPT = os.environ.get("TINY_CLIP_CKPT", os.path.join(common.COMMITTED, "tiny-clip.pt"))

vocab = json.load(open(os.path.join(ROOT, "models", "tiny-clip", "config.json")))["text_config"]["vocab_size"]
weights = common.load_ckpt(CKPT)[0]
model = TinyClip(vocab, common.stem_of(weights))
model.load_state_dict(weights)
model.eval()

folder = os.path.join(ROOT, "tests", "fixtures", "Vision", "shapes-s1001")
files = sorted(f for f in os.listdir(folder) if f.endswith((".png", ".jpg")))
pre = json.load(open(os.path.join(ROOT, "models", "tiny-clip", "preprocessor_config.json")))
assert not pre["do_center_crop"] and pre["size"] == {"height": 64, "width": 64}, pre
u8 = np.stack([common.squash_resize(Image.open(os.path.join(folder, f)), 64, pre["resample"]) for f in files])
px = torch.from_numpy(common.normalize(u8, MEAN, STD))
ids = torch.tensor([[588, 320, 582, 541, 320, 563, 521, 589]])
with torch.no_grad():
    _, img = model.image_features(px)
    _, txt = model.text_features(ids, torch.ones_like(ids))
img = img / img.norm(dim=-1, keepdim=True)
txt = txt / txt.norm(dim=-1, keepdim=True)
out = {
    "description": "tiny-clip PyTorch embeddings (L2-normalized) with Pillow preprocessing; tools/reference/clip_reference.py",
    "images": {f: [round(float(v), 7) for v in e] for f, e in zip(files, img)},
    "texts": {"a photo of a red circle": [round(float(v), 7) for v in txt[0]]},
    "logit_scale": float(model.logit_scale.exp()),
}
with open(os.path.join(ROOT, "tests", "fixtures", "Vision", "clip_reference.json"), "w") as f:
    json.dump(out, f, indent=1)
print(f"{len(files)} images, logit scale {out['logit_scale']:.4f}")

#!/usr/bin/python3
"""64 x 64 PNGs of the shapes-s1001 fixtures: the exact pixels Pillow's CLIP preprocessing feeds tiny-clip
(the zoo's own preprocessing for the model, train_clip.KIND: a squash to 64 x 64 since 8ba77f5, a centre crop before).

    /usr/bin/python3 tools/bench/clip_crops.py

Writes tests/fixtures/Vision/clip-64/<name>.png. An image already at the model's size passes every
implementation's resize and crop unchanged, so on these files the SDK, PyTorch (clip_reference.json holds the
embeddings of exactly these pixels) and transformers.js see the same tensor: the parity test compares the
models' runs without the resize kernels, which differ (transformers.js resizes with sharp, not Pillow).
"""
import os
import sys

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools", "zoo", "vision"))
import common  # noqa: E402
import train_clip  # noqa: E402

src = os.path.join(ROOT, "tests", "fixtures", "Vision", "shapes-s1001")
dst = os.path.join(ROOT, "tests", "fixtures", "Vision", "clip-64")
os.makedirs(dst, exist_ok=True)
for name in sorted(os.listdir(src)):
    if name.endswith((".png", ".jpg")):
        with Image.open(os.path.join(src, name)) as img:
            Image.fromarray(common._preprocess_all(img)[train_clip.KIND]).save(os.path.join(dst, os.path.splitext(name)[0] + ".png"))

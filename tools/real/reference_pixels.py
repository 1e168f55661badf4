#!/usr/bin/env python3
"""The Python reference's pixel_values for the parity images (issue 24): what transformers' CLIPImageProcessor and
ViTImageProcessor do with Pillow for a kit's preprocessor_config.json (resize with its `resample`, shortest edge +
center crop or a fixed size, rescale, normalize). tools/real/transformersjs.mjs feeds these to transformers.js, so its
outputs can be compared with the SDK's (which preprocesses as Pillow does) within 1e-4, apart from transformers.js'
own resize (sharp), whose difference docs/model-folders.md records.

    /usr/bin/python3 tools/real/reference_pixels.py KIT_DIR OUT_DIR IMAGE ...

Writes OUT_DIR/<image>.f32 (float32, [3, H, W]) and OUT_DIR/manifest.json. Needs numpy and Pillow.
"""
import json
import os
import sys

import numpy as np
from PIL import Image


def preprocess(path, pre):
    image = Image.open(path).convert("RGB")
    resample = pre.get("resample", 3)
    size = pre["size"]
    if "shortest_edge" in size:
        short = size["shortest_edge"]
        w, h = image.size
        # transformers' get_resize_output_image_size(default_to_square=False): the long side is truncated
        (nw, nh) = (short, int(short * h / w)) if w <= h else (int(short * w / h), short)
        image = image.resize((nw, nh), resample=resample)
    else:
        image = image.resize((size["width"], size["height"]), resample=resample)
    if pre.get("do_center_crop"):
        crop = pre["crop_size"]
        w, h = image.size
        top, left = (h - crop["height"]) // 2, (w - crop["width"]) // 2
        image = image.crop((left, top, left + crop["width"], top + crop["height"]))
    x = np.asarray(image, dtype=np.float32) * np.float32(pre.get("rescale_factor", 1 / 255))
    x = (x - np.asarray(pre["image_mean"], dtype=np.float32)) / np.asarray(pre["image_std"], dtype=np.float32)
    return np.ascontiguousarray(x.transpose(2, 0, 1), dtype=np.float32)


def main():
    kit, out, images = sys.argv[1], sys.argv[2], sys.argv[3:]
    pre = json.load(open(os.path.join(kit, "preprocessor_config.json")))
    os.makedirs(out, exist_ok=True)
    manifest = {}
    for path in images:
        x = preprocess(path, pre)
        name = os.path.basename(path)
        x.tofile(os.path.join(out, name + ".f32"))
        manifest[name] = list(x.shape)
    json.dump(manifest, open(os.path.join(out, "manifest.json"), "w"))


if __name__ == "__main__":
    main()
